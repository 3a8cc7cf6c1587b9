% rebase('base.tpl', title=title, logout_next=here)
<section class="card narrow consent">
  <h1><span class="client-name">{{client.name}}</span> wants to use your kegdash account</h1>
% if client.description:
  <p class="muted">{{client.description}}</p>
% end
  <p>Signed in as <strong>{{user}}</strong>. If you allow it, <strong>{{client.name}}</strong> may:</p>
  <ul class="scopes">
    <li class="scope-public">Read public recipes, brews, activity and profiles (anyone may)</li>
% for scope, words in scopes:
    <li class="scope" data-scope="{{scope}}">{{words}} <code>{{scope}}</code></li>
% end
  </ul>
  <p class="muted">Either way you go back to <strong class="destination">{{destination}}</strong>.
     You can revoke access later by deleting the authorization.</p>
  <form method="post" action="/account/authorize" class="actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="client_id" value="{{client.public_id}}">
    <input type="hidden" name="redirect_uri" value="{{request.redirect_uri}}">
    <input type="hidden" name="scope" value="{{','.join(request.scopes)}}">
    <input type="hidden" name="state" value="{{request.state}}">
    <input type="hidden" name="type" value="{{request.kind}}">
% if request.challenge:
    <input type="hidden" name="code_challenge" value="{{request.challenge}}">
    <input type="hidden" name="code_challenge_method" value="S256">
% end
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
    <button type="submit" name="decision" value="approve" class="primary">Allow</button>
  </form>
</section>
