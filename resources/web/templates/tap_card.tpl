<article class="tap{{' empty' if tap['empty'] else ''}}{{' pouring' if tap['pouring'] else ''}}" data-tap-id="{{tap['id']}}">
  <header class="tap-head">
    <span class="tap-name" data-field="name">{{tap['name']}}</span>
    <span class="temp" data-field="temp"{{'' if tap['temp'] else ' hidden'}}>{{tap['temp']}}</span>
  </header>
  <div class="swatch" data-color="{{tap['color']}}"{{'' if tap['color'] else ' hidden'}}></div>
  <h2 class="beverage" data-field="beverage">{{tap['beverage']}}</h2>
  <p class="style" data-field="style"{{'' if tap['style'] else ' hidden'}}>{{tap['style']}}</p>
  <dl class="figures">
    <div data-part="abv"{{'' if tap['abv'] else ' hidden'}}><dt>ABV</dt><dd data-field="abv">{{tap['abv']}}</dd></div>
    <div data-part="ibu"{{'' if tap['ibu'] else ' hidden'}}><dt>IBU</dt><dd data-field="ibu">{{tap['ibu']}}</dd></div>
    <div data-part="colorName"{{'' if tap['colorName'] else ' hidden'}}><dt>Colour</dt><dd data-field="colorName">{{tap['colorName']}}</dd></div>
  </dl>
  <div class="level-box" data-part="level"{{'' if tap['level'] else ' hidden'}}>
    <progress class="level" max="1" value="{{tap['fraction']}}" aria-label="Keg level"></progress>
    <p class="level-text" data-field="level">{{tap['level']}}</p>
  </div>
  <p class="pour" data-field="pour" aria-live="polite"{{'' if tap['pour'] else ' hidden'}}>{{tap['pour']}}</p>
</article>
