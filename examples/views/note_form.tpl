<form class="note-form" method="post" action="{{action}}">
  <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
  % include('errors', errors=errors)
  <label for="title">Title</label>
  <input id="title" name="title" value="{{title_value}}" maxlength="200" required>
  <label for="body">Text</label>
  <textarea id="body" name="body" rows="6">{{body_value}}</textarea>
  <div class="actions">
    <button type="submit">{{submit}}</button>
    % if defined('cancel_url'):
    <a class="button secondary" href="{{cancel_url}}">Cancel</a>
    % end
  </div>
</form>
