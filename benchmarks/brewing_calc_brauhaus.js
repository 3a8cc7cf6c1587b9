// Brauhaus's side of benchmarks/brewing_calc.py: the same recipes, the same calls, in Node.
//
//   node benchmarks/brewing_calc_brauhaus.js BRAUHAUS_DIR < recipes.json
//
// BRAUHAUS_DIR is an installed Brauhaus 1.1.1 package (never part of this repository).
// Prints JSON: Brauhaus's version, µs of CPU time per recipe for each label (best of seven
// runs over all recipes, after the JIT has warmed up; the CPU time of the whole process, so
// V8's garbage collector threads count), and each recipe's SI and US timelines.
'use strict';

const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const Brauhaus = require(dir);
const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
const recipes = JSON.parse(fs.readFileSync(0, 'utf8')).map((data) => new Brauhaus.Recipe(data));
// timeline() reads what calculate() left on the recipe, as in any Brauhaus application.
recipes.forEach((recipe) => recipe.calculate());

const measures = {
  'calculate()': (recipe) => recipe.calculate(),
  'timeline() SI': (recipe) => recipe.timeline(true),
  'timeline() US': (recipe) => recipe.timeline(false),
  'calculate()+timeline() SI': (recipe) => { recipe.calculate(); return recipe.timeline(true); },
};

let sink = 0; // results are used, so V8 cannot drop the calls

function runSeconds(fn, number) {
  const start = process.cpuUsage();
  for (let i = 0; i < number; i++) {
    for (const recipe of recipes) {
      const result = fn(recipe);
      sink += result === undefined ? 0 : 1;
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function perRecipeMicroseconds(fn) {
  let number = 1;
  while (runSeconds(fn, number) < 0.2) number *= 2; // like Python's timeit autorange
  let best = Infinity;
  for (let i = 0; i < 7; i++) best = Math.min(best, runSeconds(fn, number));
  return best / number / recipes.length * 1e6;
}

const usPerRecipe = {};
for (const [label, fn] of Object.entries(measures)) usPerRecipe[label] = perRecipeMicroseconds(fn);

process.stdout.write(JSON.stringify({
  version,
  node: process.versions.node,
  us_per_recipe: usPerRecipe,
  si: recipes.map((recipe) => recipe.timeline(true)),
  us: recipes.map((recipe) => recipe.timeline(false)),
  sink,
}));
