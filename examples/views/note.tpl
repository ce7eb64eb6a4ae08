% rebase('layout', title=note['title'])
<article class="panel note">
  <h1>{{note['title']}}</h1>
  <p class="meta">Written {{note['created']}} UTC, updated {{note['updated']}} UTC</p>
  % if note['body']:
  <div class="body">{{note['body']}}</div>
  % else:
  <p class="empty">This note has no text.</p>
  % end
  <div class="actions">
    <a class="button" href="{{url('edit', note_id=note['id'])}}">Edit</a>
    <form method="post" action="{{url('delete', note_id=note['id'])}}">
      <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
      <button type="submit" class="danger">Delete note</button>
    </form>
    <a class="button secondary" href="{{url('api_note', note_id=note['id'])}}">As JSON</a>
  </div>
</article>
<section class="panel" id="attachments">
  <h2>Attachments</h2>
  % if attachments:
  <ul class="attachments">
    % for item in attachments:
    <li>
      <a href="{{url('attachment', attachment_id=item['id'], filename=item['filename'])}}" download>{{item['filename']}}</a>
      <span class="meta">{{item['content_type']}}, {{'{:,}'.format(item['size'])}} bytes</span>
      <form method="post" action="{{url('detach', attachment_id=item['id'])}}">
        <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
        <button type="submit" class="danger small" aria-label="Remove {{item['filename']}}">Remove</button>
      </form>
    </li>
    % end
  </ul>
  % else:
  <p class="empty">No files attached.</p>
  % end
  <form class="upload" method="post" enctype="multipart/form-data" action="{{url('attach', note_id=note['id'])}}">
    <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
    % include('errors', errors=errors)
    <input type="file" name="upload" aria-label="File to attach">
    <button type="submit">Attach file</button>
  </form>
</section>
<p><a href="{{url('index')}}">← All notes</a></p>
