% rebase('layout', title='All notes')
<section class="panel">
  <h1>Notes</h1>
  <form class="search" method="get" action="{{url('index')}}">
    <input type="search" name="q" value="{{search}}" placeholder="Search titles and text" aria-label="Search">
    <button type="submit" class="secondary">Search</button>
  </form>
  % if search:
  <p class="meta">{{len(notes)}} {{'note matches' if len(notes) == 1 else 'notes match'}} “{{search}}”. <a href="{{url('index')}}">Show all notes</a></p>
  % end
  % if notes:
  <ul class="notes">
    % for note in notes:
    <li>
      <a class="note-link" href="{{url('note', note_id=note['id'])}}">{{note['title']}}</a>
      <span class="meta">updated {{note['updated']}} UTC
      % if note['attachment_count']:
      · {{note['attachment_count']}} {{'attachment' if note['attachment_count'] == 1 else 'attachments'}}
      % end
      </span>
    </li>
    % end
  </ul>
  % elif not search:
  <p class="empty">No notes yet. Write the first one below.</p>
  % end
</section>
<section class="panel" id="new">
  <h2>New note</h2>
  % include('note_form', action=url('create'), submit='Add note')
</section>
