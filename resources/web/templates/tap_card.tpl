<article class="tap state-{{tap['state']}}{{' pouring' if tap['pouring'] else ''}}" data-tap-id="{{tap['id']}}">
  <header class="tap-head">
    <span class="tap-name" data-field="name" data-fit="1">{{!words(tap['name'])}}</span>
    <span class="temp" data-field="temp"{{'' if tap['temp'] else ' hidden'}}>{{tap['temp']}}</span>
    <strong class="badge" data-field="badge"{{'' if tap['badge'] else ' hidden'}}>{{tap['badge']}}</strong>
  </header>
  <h2 class="beverage" data-field="beverage" data-fit="3">{{!words(tap['beverage'])}}</h2>
  <p class="style" data-field="style" data-fit="2"{{'' if tap['style'] else ' hidden'}}>{{!words(tap['style'])}}</p>
  <dl class="figures">
    <div data-part="abv"{{'' if tap['abv'] else ' hidden'}}><dt>ABV</dt><dd data-field="abv">{{tap['abv']}}</dd></div>
    <div data-part="ibu"{{'' if tap['ibu'] else ' hidden'}}><dt>IBU</dt><dd data-field="ibu">{{tap['ibu']}}</dd></div>
    <div data-part="colorName"{{'' if tap['colorName'] else ' hidden'}}><dt>Colour</dt><dd data-field="colorName">{{tap['colorName']}}</dd></div>
  </dl>
  <div class="visual" data-part="level"{{'' if tap['level'] else ' hidden'}}>
    <div class="glass" data-color="{{tap['color']}}" title="{{tap['colorName']}}"{{'' if tap['color'] else ' hidden'}}></div>
    <div class="keg" role="meter" aria-label="Keg level" aria-valuemin="0" aria-valuemax="1" aria-valuenow="{{tap['fraction']}}" data-fraction="{{tap['fraction']}}"><div class="fill"></div></div>
  </div>
  <p class="level"><strong class="percent" data-field="percent"{{'' if tap['percent'] else ' hidden'}}>{{tap['percent']}}</strong> <span class="left" data-field="level"{{'' if tap['level'] else ' hidden'}}>{{tap['level']}}</span></p>
  <p class="glasses" data-field="glasses"{{'' if tap['glasses'] else ' hidden'}}>{{tap['glasses']}}</p>
  <p class="pour" data-field="pour" aria-live="polite"{{'' if tap['pour'] else ' hidden'}}>{{tap['pour']}}</p>
</article>
