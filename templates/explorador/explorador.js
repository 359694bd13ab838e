/*
 * Gradient-descent explorer for the HTML report (inlined into the page by the document rule).
 *
 * The update rules below are those of src/optireport/descent/gd.py (the Keras 3 optimizers),
 * written
 * operation for operation in the same order, so that a trajectory computed here equals the
 * NumPy one to rounding (tests/workflow/test_explorer.py checks it in a real browser). The
 * path takes its method's colour from the report's figures ("colors" in the page's data).
 * No network, no external script: the page's markup comes from templates/explorador/.
 */
(function () {
  "use strict";

  function objective(x) {
    return x * Math.sin(x * x);
  }

  function derivative(x) {
    var x2 = x * x;
    return Math.sin(x2) + 2 * x2 * Math.cos(x2);
  }

  // keras.optimizers.SGD: m <- mu*m - eta*g; x <- x + m (Nesterov: x <- x + mu*m - eta*g).
  function sgd(s, nesterov) {
    var m = 0;
    return function (x, g) {
      if (s.momentum === 0) {
        return x - s.learning_rate * g;
      }
      m = s.momentum * m - s.learning_rate * g;
      return x + (nesterov ? s.momentum * m - s.learning_rate * g : m);
    };
  }

  // keras.optimizers.Adagrad: a <- a + g^2; x <- x - eta*g / sqrt(a + eps).
  function adagrad(s) {
    var acc = s.initial_accumulator_value;
    return function (x, g) {
      acc += g * g;
      return x - (s.learning_rate * g) / Math.sqrt(acc + s.epsilon);
    };
  }

  // keras.optimizers.RMSprop: v <- rho*v + (1-rho)*g^2; x <- x - eta*g / sqrt(v + eps).
  function rmsprop(s) {
    var v = 0;
    var avg = 0;
    var m = 0;
    return function (x, g) {
      var denominator;
      v = s.rho * v + (1 - s.rho) * g * g;
      if (s.centered) {
        avg = s.rho * avg + (1 - s.rho) * g;
        denominator = v - avg * avg + s.epsilon;
      } else {
        denominator = v + s.epsilon;
      }
      var increment = (s.learning_rate * g) / Math.sqrt(denominator);
      if (s.momentum > 0) {
        m = s.momentum * m + increment;
        return x - m;
      }
      return x - increment;
    };
  }

  // keras.optimizers.Adadelta: delta = -sqrt(E[d^2] + eps)/sqrt(E[g^2] + eps)*g; x <- x + eta*delta.
  function adadelta(s) {
    var accGrad = 0;
    var accDelta = 0;
    return function (x, g) {
      accGrad = s.rho * accGrad + (1 - s.rho) * g * g;
      var delta = (-Math.sqrt(accDelta + s.epsilon) * g) / Math.sqrt(accGrad + s.epsilon);
      accDelta = s.rho * accDelta + (1 - s.rho) * delta * delta;
      return x + s.learning_rate * delta;
    };
  }

  // keras.optimizers.Adam: bias correction folded into the step size, eps outside the sqrt.
  function adam(s) {
    var m = 0;
    var v = 0;
    var vHat = 0;
    var t = 0;
    return function (x, g) {
      t += 1;
      var alpha = (s.learning_rate * Math.sqrt(1 - Math.pow(s.beta_2, t))) /
        (1 - Math.pow(s.beta_1, t));
      m += (g - m) * (1 - s.beta_1);
      v += (g * g - v) * (1 - s.beta_2);
      if (s.amsgrad) {
        vHat = Math.max(vHat, v);
        return x - (m * alpha) / (Math.sqrt(vHat) + s.epsilon);
      }
      return x - (m * alpha) / (Math.sqrt(v) + s.epsilon);
    };
  }

  var FACTORIES = {
    gd: function (s) { return sgd(Object.assign({}, s, { momentum: 0 }), false); },
    momentum: function (s) { return sgd(s, false); },
    nesterov: function (s) { return sgd(s, true); },
    adagrad: adagrad,
    rmsprop: rmsprop,
    adadelta: adadelta,
    adam: adam,
  };

  // Run `method` from `start` for `iterations` steps; `settings` must hold every setting of
  // the method (the page completes them with the Keras defaults it was generated with).
  function runMethod(method, start, iterations, settings) {
    if (!FACTORIES[method]) {
      throw new Error("método desconocido: " + method);
    }
    var step = FACTORIES[method](settings);
    var xs = [start];
    for (var i = 0; i < iterations; i++) {
      var x = xs[xs.length - 1];
      xs.push(step(x, derivative(x)));
    }
    return { x: xs, J: xs.map(objective) };
  }

  // First index k with |x_t - target| <= tol for every t >= k, else null (NaN is outside).
  function stepsToReach(xs, target, tol) {
    var k = xs.length;
    while (k > 0 && Math.abs(xs[k - 1] - target) <= tol) {
      k--;
    }
    return k < xs.length ? k : null;
  }

  // Numbers as the report's tables write them.
  function decimal(value, digits) {
    return Number.isFinite(value) ? value.toFixed(digits) : "—";
  }

  function scientific(value) {
    if (!Number.isFinite(value)) {
      return "—";
    }
    var parts = value.toExponential(1).split("e");
    var exponent = Number(parts[1]);
    var sign = exponent < 0 ? "-" : "+";
    var digits = String(Math.abs(exponent));
    return parts[0] + "e" + sign + (digits.length < 2 ? "0" + digits : digits);
  }

  function thousands(value) {
    var text = String(value);
    return Math.abs(value) >= 10000 ? text.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f") : text;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function svgElement(name, attributes) {
    var element = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }

  function niceTicks(lo, hi) {
    var span = hi - lo;
    var step = span > 40 ? 10 : span > 16 ? 5 : span > 8 ? 2 : span > 4 ? 1 : 0.5;
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      ticks.push(Math.round(v / step) * step);
    }
    return ticks;
  }

  // The plot widens beyond the studied interval to hold the whole path, as the report's
  // static figure does, up to this many times the interval's half-width on each side; a path
  // that goes further is cut at the frame and the status line says so.
  var MAX_WIDENING = 4;

  function Explorer(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    this.field = function (name) {
      return root.querySelector("[data-field='" + name + "']");
    };
    this.buildPlot();
    this.bind();
    this.update();
  }

  Explorer.prototype.method = function () {
    return this.field("method").value;
  };

  // The current settings: every setting of the selected method, read from its inputs.
  Explorer.prototype.settings = function () {
    var method = this.method();
    var settings = { learning_rate: Number(this.field("learning_rate").value) };
    var group = this.root.querySelector("[data-settings-for='" + method + "']");
    if (group) {
      group.querySelectorAll("input[data-setting]").forEach(function (input) {
        var name = input.getAttribute("data-setting");
        settings[name] = input.type === "checkbox" ? input.checked : Number(input.value);
      });
    }
    return settings;
  };

  Explorer.prototype.readState = function () {
    return {
      method: this.method(),
      start: Number(this.field("start").value),
      iterations: Math.max(0, Math.round(Number(this.field("iterations").value))),
      settings: this.settings(),
    };
  };

  // Keep each slider and its exact-value box in step.
  Explorer.prototype.syncSlider = function (name) {
    var box = this.field(name);
    var slider = this.root.querySelector("[data-slider-for='" + name + "']");
    var value = Number(box.value);
    if (!slider || !Number.isFinite(value)) {
      return;
    }
    if (name === "learning_rate") {
      slider.value = value > 0 ? String(Math.log10(value)) : slider.min;
      slider.setAttribute("aria-valuetext", "η = " + box.value);
    } else {
      slider.value = String(value);
    }
  };

  Explorer.prototype.fromSlider = function (slider) {
    var name = slider.getAttribute("data-slider-for");
    var box = this.field(name);
    if (name === "learning_rate") {
      box.value = String(Number(Math.pow(10, Number(slider.value)).toPrecision(3)));
      slider.setAttribute("aria-valuetext", "η = " + box.value);
    } else {
      box.value = slider.value;
    }
  };

  Explorer.prototype.showSettingsFor = function (method) {
    this.root.querySelectorAll("[data-settings-for]").forEach(function (group) {
      group.hidden = group.getAttribute("data-settings-for") !== method;
    });
  };

  Explorer.prototype.applyPreset = function (preset) {
    var root = this.root;
    this.field("method").value = preset.method;
    this.field("start").value = String(preset.start);
    this.field("iterations").value = String(preset.iterations);
    // Every setting back to the default the report used, then the preset's own values.
    var group = root.querySelector("[data-settings-for='" + preset.method + "']");
    if (group) {
      group.querySelectorAll("input[data-setting]").forEach(function (input) {
        var name = input.getAttribute("data-setting");
        var value = name in preset.settings ? preset.settings[name] : input.defaultValue;
        if (input.type === "checkbox") {
          input.checked = name in preset.settings ? Boolean(value) : input.defaultChecked;
        } else {
          input.value = String(value);
        }
      });
    }
    this.field("learning_rate").value = String(preset.settings.learning_rate);
    ["start", "iterations", "learning_rate"].forEach(this.syncSlider, this);
    this.showSettingsFor(preset.method);
    this.update();
  };

  Explorer.prototype.bind = function () {
    var self = this;
    var root = this.root;
    root.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
    });
    root.querySelectorAll("[data-slider-for]").forEach(function (slider) {
      slider.addEventListener("input", function () {
        self.fromSlider(slider);
        self.update();
      });
    });
    ["start", "iterations", "learning_rate"].forEach(function (name) {
      self.field(name).addEventListener("input", function () {
        self.syncSlider(name);
        self.update();
      });
    });
    this.field("method").addEventListener("change", function () {
      self.showSettingsFor(self.method());
      self.update();
    });
    root.querySelectorAll("input[data-setting]").forEach(function (input) {
      input.addEventListener(input.type === "checkbox" ? "change" : "input", function () {
        self.update();
      });
    });
    root.querySelectorAll("button[data-preset]").forEach(function (button) {
      button.addEventListener("click", function () {
        self.applyPreset(self.data.presets[Number(button.getAttribute("data-preset"))]);
      });
    });
    ["start", "iterations", "learning_rate"].forEach(this.syncSlider, this);
    this.showSettingsFor(this.method());
  };

  // The plot's frame in SVG units; the axes, the curve and the shading follow `this.view`.
  var BOX = { left: 46, right: 626, top: 14, bottom: 300 };

  Explorer.prototype.buildPlot = function () {
    var svg = this.root.querySelector("svg");
    var clipId = this.root.id + "-clip";
    var defs = svgElement("defs", {});
    var clip = svgElement("clipPath", { id: clipId });
    clip.appendChild(svgElement("rect", {
      x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top,
    }));
    defs.appendChild(clip);
    svg.appendChild(defs);
    this.axes = svgElement("g", { class: "gd-axes" });
    svg.appendChild(this.axes);
    var plot = svgElement("g", { "clip-path": "url(#" + clipId + ")" });
    this.outside = svgElement("g", { class: "gd-outside" });
    this.curve = svgElement("polyline", { class: "gd-curve", points: "" });
    this.path = svgElement("polyline", { class: "gd-path", points: "" });
    this.dots = svgElement("g", { class: "gd-dots" });
    this.target = svgElement("path", { class: "gd-global-min" });
    this.startMark = svgElement("circle", { r: 6, class: "gd-start" });
    this.endMark = svgElement("circle", { r: 6, class: "gd-end" });
    [this.outside, this.curve, this.path, this.dots, this.target, this.startMark, this.endMark]
      .forEach(plot.appendChild, plot);
    svg.appendChild(plot);
    this.view = null;
  };

  // The axes' ranges that hold every point of `xs` (and its J) within the widening limit:
  // {x: [lo, hi], y: [lo, hi], cut: whether some point lies beyond it}.
  Explorer.prototype.viewFor = function (xs, js) {
    var d = this.data;
    var half = (d.x_range[1] - d.x_range[0]) / 2;
    var middle = (d.x_range[1] + d.x_range[0]) / 2;
    var limit = [middle - MAX_WIDENING * half, middle + MAX_WIDENING * half];
    var x = d.x_range.slice();
    var y = d.y_range.slice();
    var cut = false;
    for (var i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(js[i])) {
        break;
      }
      if (xs[i] < limit[0] || xs[i] > limit[1]) {
        cut = true;
        continue;
      }
      x = [Math.min(x[0], xs[i]), Math.max(x[1], xs[i])];
      y = [Math.min(y[0], js[i]), Math.max(y[1], js[i])];
    }
    // A margin of 2 % on each side that was widened, so the path's end is not on the frame.
    var padX = 0.02 * (x[1] - x[0]);
    var padY = 0.02 * (y[1] - y[0]);
    return {
      x: [x[0] < d.x_range[0] ? x[0] - padX : x[0], x[1] > d.x_range[1] ? x[1] + padX : x[1]],
      y: [y[0] < d.y_range[0] ? y[0] - padY : y[0], y[1] > d.y_range[1] ? y[1] + padY : y[1]],
      cut: cut,
    };
  };

  // Redraw axes, curve, shading and minimum for `view` (only when it changes).
  Explorer.prototype.setView = function (view) {
    var old = this.view;
    this.view = view;
    if (old && old.x[0] === view.x[0] && old.x[1] === view.x[1] &&
        old.y[0] === view.y[0] && old.y[1] === view.y[1]) {
      return;
    }
    var d = this.data;
    var sx = function (x) {
      return BOX.left + ((x - view.x[0]) / (view.x[1] - view.x[0])) * (BOX.right - BOX.left);
    };
    var sy = function (y) {
      return BOX.bottom - ((y - view.y[0]) / (view.y[1] - view.y[0])) * (BOX.bottom - BOX.top);
    };
    this.sx = sx;
    this.sy = sy;
    var axes = this.axes;
    while (axes.firstChild) {
      axes.removeChild(axes.firstChild);
    }
    niceTicks(view.x[0], view.x[1]).forEach(function (v) {
      axes.appendChild(svgElement("line", { x1: sx(v), x2: sx(v), y1: BOX.top, y2: BOX.bottom, class: "gd-grid" }));
      var label = svgElement("text", { x: sx(v), y: BOX.bottom, dy: "1.3em", "text-anchor": "middle" });
      label.textContent = String(v).replace("-", "−");
      axes.appendChild(label);
    });
    niceTicks(view.y[0], view.y[1]).forEach(function (v) {
      axes.appendChild(svgElement("line", { x1: BOX.left, x2: BOX.right, y1: sy(v), y2: sy(v), class: v === 0 ? "gd-zero" : "gd-grid" }));
      var label = svgElement("text", { x: BOX.left - 6, y: sy(v), dy: "0.35em", "text-anchor": "end" });
      label.textContent = String(v).replace("-", "−");
      axes.appendChild(label);
    });
    var xTitle = svgElement("text", { x: BOX.right, y: BOX.bottom, dy: "2.5em", "text-anchor": "end", class: "gd-axis-title" });
    xTitle.textContent = "x";
    axes.appendChild(xTitle);
    var yTitle = svgElement("text", { x: BOX.left, y: BOX.top, dx: "0.3em", dy: "1em", "text-anchor": "start", class: "gd-axis-title" });
    yTitle.textContent = "J(x)";
    axes.appendChild(yTitle);
    // Outside the studied interval the background is grey, as in the static figure.
    var outside = this.outside;
    while (outside.firstChild) {
      outside.removeChild(outside.firstChild);
    }
    [[view.x[0], d.x_range[0]], [d.x_range[1], view.x[1]]].forEach(function (band) {
      if (band[1] > band[0]) {
        outside.appendChild(svgElement("rect", {
          x: sx(band[0]), y: BOX.top, width: sx(band[1]) - sx(band[0]), height: BOX.bottom - BOX.top,
        }));
      }
    });
    // Enough samples for the curve's faster oscillations far from 0 (period about π/|x|).
    var reach = Math.max(Math.abs(view.x[0]), Math.abs(view.x[1]));
    var samples = Math.min(6000, Math.max(600, Math.ceil(8 * reach * (view.x[1] - view.x[0]))));
    var curve = [];
    for (var i = 0; i <= samples; i++) {
      var x = view.x[0] + ((view.x[1] - view.x[0]) * i) / samples;
      curve.push(sx(x).toFixed(2) + "," + sy(objective(x)).toFixed(2));
    }
    this.curve.setAttribute("points", curve.join(" "));
    this.target.setAttribute(
      "d", "M" + sx(d.global_min.x) + "," + (sy(d.global_min.J) + 9) + " l-7,-9 l7,-9 l7,9 z"
    );
  };

  Explorer.prototype.draw = function (xs, js, method) {
    this.setView(this.viewFor(xs, js));
    // The path, its dots and its marks in the method's colour of the report's figures.
    this.root.style.setProperty("--gd-path", this.data.colors[method]);
    var sx = this.sx;
    var sy = this.sy;
    var points = [];
    for (var i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(js[i])) {
        break;
      }
      // Beyond the widest view a point is drawn at the frame's edge (clipped there).
      var x = Math.max(-1e6, Math.min(1e6, sx(xs[i])));
      var y = Math.max(-1e6, Math.min(1e6, sy(js[i])));
      points.push([x, y]);
    }
    this.path.setAttribute("points", points.map(function (p) {
      return p[0].toFixed(2) + "," + p[1].toFixed(2);
    }).join(" "));
    while (this.dots.firstChild) {
      this.dots.removeChild(this.dots.firstChild);
    }
    if (points.length <= 201) {
      var dots = this.dots;
      points.forEach(function (p) {
        dots.appendChild(svgElement("circle", { cx: p[0].toFixed(2), cy: p[1].toFixed(2), r: 2.5 }));
      });
    }
    var first = points[0];
    var last = points[points.length - 1];
    this.startMark.setAttribute("cx", first[0]);
    this.startMark.setAttribute("cy", first[1]);
    this.endMark.setAttribute("visibility", points.length === xs.length ? "visible" : "hidden");
    this.endMark.setAttribute("cx", last[0]);
    this.endMark.setAttribute("cy", last[1]);
  };

  Explorer.prototype.update = function () {
    var d = this.data;
    var state = this.readState();
    var out = this.root;
    if (!Number.isFinite(state.start) || !(state.settings.learning_rate > 0)) {
      out.querySelector("[data-out='status']").textContent =
        "Escriba un punto inicial y una tasa de aprendizaje positiva.";
      return;
    }
    var result = runMethod(state.method, state.start, state.iterations, state.settings);
    var xs = result.x;
    var n = xs.length - 1;
    var finalX = xs[n];
    var finalJ = result.J[n];
    var steps = stepsToReach(xs, d.global_min.x, d.tolerance);
    this.state = state;
    this.result = { x: xs, J: result.J, final_x: finalX, final_J: finalJ, steps: steps };
    this.draw(xs, result.J, state.method);
    var set = function (name, text) {
      out.querySelector("[data-out='" + name + "']").textContent = text;
    };
    set("final_x", decimal(finalX, 4));
    set("final_J", decimal(finalJ, 4));
    set("last_step", n > 0 ? scientific(Math.abs(xs[n] - xs[n - 1])) : "—");
    set("reached", steps === null ? "no" : "sí");
    set("steps", steps === null ? "—" : thousands(steps));
    var status;
    if (!Number.isFinite(finalX)) {
      status = "El método diverge: x deja de ser un número finito.";
    } else if (steps !== null) {
      status = "Llega al mínimo global (x ≈ " + decimal(d.global_min.x, 3) + ") y no sale de él desde el paso " + thousands(steps) + ".";
    } else if (finalX < d.x_range[0] || finalX > d.x_range[1]) {
      status = "Termina fuera del intervalo estudiado [" + d.x_range[0] + ", " + d.x_range[1] +
        "], en x = " + decimal(finalX, 3) + ".";
    } else {
      status = "Termina en x = " + decimal(finalX, 3) + " sin alcanzar el mínimo global (x ≈ " + decimal(d.global_min.x, 3) + ").";
    }
    if (this.view.cut) {
      status += " El recorrido llega más allá de lo dibujado (x entre " +
        decimal(this.view.x[0], 1) + " y " + decimal(this.view.x[1], 1) + ") y se corta en el borde.";
    } else if (this.view.x[0] < d.x_range[0] || this.view.x[1] > d.x_range[1]) {
      status += " El eje se amplía para mostrar todo el recorrido (zona gris: fuera del intervalo estudiado).";
    }
    set("status", status);
    this.markPreset(state);
  };

  // aria-pressed on the preset that the controls currently reproduce, if any.
  Explorer.prototype.markPreset = function (state) {
    var presets = this.data.presets;
    var defaults = this.data.defaults;
    this.root.querySelectorAll("button[data-preset]").forEach(function (button) {
      var preset = presets[Number(button.getAttribute("data-preset"))];
      var full = Object.assign({}, defaults[preset.method], preset.settings);
      var same = preset.method === state.method && preset.start === state.start &&
        preset.iterations === state.iterations &&
        Object.keys(full).every(function (key) { return full[key] === state.settings[key]; });
      button.setAttribute("aria-pressed", same ? "true" : "false");
    });
  };

  window.optireportGD = {
    objective: objective,
    derivative: derivative,
    runMethod: runMethod,
    stepsToReach: stepsToReach,
    explorers: [],
  };

  function start() {
    document.querySelectorAll(".gd-explorer").forEach(function (root) {
      root.classList.add("gd-explorer--ready");
      window.optireportGD.explorers.push(new Explorer(root));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
