% if errors:
<ul class="errors" role="alert">
  % for message in errors:
  <li>{{message}}</li>
  % end
</ul>
% end
