% rebase('layout', title='Edit: ' + note['title'])
<section class="panel">
  <h1>Edit note</h1>
  % include('note_form', action=url('update', note_id=note['id']), submit='Save changes', cancel_url=url('note', note_id=note['id']))
</section>
