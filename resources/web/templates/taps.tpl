% rebase('base.tpl', title=title, body_class='board', logout_next='/taps')
<h1 class="visually-hidden">On tap</h1>
<p class="status" id="status" hidden>Reconnecting…</p>
<section id="taps" class="taps" data-state-url="/taps/state" data-count="{{len(taps)}}">
% for tap in taps:
% include('tap_card.tpl', tap=tap)
% end
% if not taps:
  <p class="none">No taps yet. Add one in the kegdash window or with <code>kegdash admin add-tap</code>.</p>
% end
</section>
<template id="tap-template">
% include('tap_card.tpl', tap={'id': '', 'name': '', 'state': 'empty', 'badge': '', 'pouring': False, 'temp': '', 'color': '', 'beverage': '', 'style': '', 'abv': '', 'ibu': '', 'colorName': '', 'fraction': 0, 'percent': '', 'level': '', 'glasses': '', 'pour': ''})
</template>
<script src="/static/web/taplist.js" defer></script>
