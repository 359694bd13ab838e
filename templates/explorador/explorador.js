/*
 * Gradient-descent explorer for the HTML report (inlined into the page by the document rule).
 *
 * The update rules below are those of src/optireport/gd.py (the Keras 3 optimizers), written
 * operation for operation in the same order, so that a trajectory computed here equals the
 * NumPy one to rounding (tests/test_explorer.py checks it in a real browser).
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
    var step = span > 8 ? 2 : span > 4 ? 1 : 0.5;
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      ticks.push(Math.round(v / step) * step);
    }
    return ticks;
  }

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

  Explorer.prototype.buildPlot = function () {
    var d = this.data;
    var svg = this.root.querySelector("svg");
    var box = { left: 46, right: 626, top: 14, bottom: 300 };
    var sx = function (x) {
      return box.left + ((x - d.x_range[0]) / (d.x_range[1] - d.x_range[0])) * (box.right - box.left);
    };
    var sy = function (y) {
      return box.bottom - ((y - d.y_range[0]) / (d.y_range[1] - d.y_range[0])) * (box.bottom - box.top);
    };
    this.sx = sx;
    this.sy = sy;
    var clipId = this.root.id + "-clip";
    var defs = svgElement("defs", {});
    var clip = svgElement("clipPath", { id: clipId });
    clip.appendChild(svgElement("rect", {
      x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top,
    }));
    defs.appendChild(clip);
    svg.appendChild(defs);
    var axes = svgElement("g", { class: "gd-axes" });
    niceTicks(d.x_range[0], d.x_range[1]).forEach(function (v) {
      axes.appendChild(svgElement("line", { x1: sx(v), x2: sx(v), y1: box.top, y2: box.bottom, class: "gd-grid" }));
      var label = svgElement("text", { x: sx(v), y: box.bottom, dy: "1.3em", "text-anchor": "middle" });
      label.textContent = String(v).replace("-", "−");
      axes.appendChild(label);
    });
    niceTicks(d.y_range[0], d.y_range[1]).forEach(function (v) {
      axes.appendChild(svgElement("line", { x1: box.left, x2: box.right, y1: sy(v), y2: sy(v), class: v === 0 ? "gd-zero" : "gd-grid" }));
      var label = svgElement("text", { x: box.left - 6, y: sy(v), dy: "0.35em", "text-anchor": "end" });
      label.textContent = String(v).replace("-", "−");
      axes.appendChild(label);
    });
    var xTitle = svgElement("text", { x: box.right, y: box.bottom, dy: "2.5em", "text-anchor": "end", class: "gd-axis-title" });
    xTitle.textContent = "x";
    axes.appendChild(xTitle);
    var yTitle = svgElement("text", { x: box.left, y: box.top, dx: "0.3em", dy: "1em", "text-anchor": "start", class: "gd-axis-title" });
    yTitle.textContent = "J(x)";
    axes.appendChild(yTitle);
    svg.appendChild(axes);
    var curve = [];
    for (var i = 0; i <= 600; i++) {
      var x = d.x_range[0] + ((d.x_range[1] - d.x_range[0]) * i) / 600;
      curve.push(sx(x).toFixed(2) + "," + sy(objective(x)).toFixed(2));
    }
    var plot = svgElement("g", { "clip-path": "url(#" + clipId + ")" });
    plot.appendChild(svgElement("polyline", { points: curve.join(" "), class: "gd-curve" }));
    this.path = svgElement("polyline", { class: "gd-path", points: "" });
    this.dots = svgElement("g", { class: "gd-dots" });
    var target = svgElement("path", {
      d: "M" + sx(d.global_min.x) + "," + (sy(d.global_min.J) + 9) + " l-7,-9 l7,-9 l7,9 z",
      class: "gd-global-min",
    });
    this.startMark = svgElement("circle", { r: 6, class: "gd-start" });
    this.endMark = svgElement("circle", { r: 6, class: "gd-end" });
    [this.path, this.dots, target, this.startMark, this.endMark].forEach(plot.appendChild, plot);
    svg.appendChild(plot);
  };

  Explorer.prototype.draw = function (xs, js) {
    var sx = this.sx;
    var sy = this.sy;
    var limit = 1e6;
    var points = [];
    for (var i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || Math.abs(xs[i]) > limit) {
        break;
      }
      points.push([sx(xs[i]), sy(js[i])]);
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
    this.draw(xs, result.J);
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
      status = "Termina fuera del intervalo dibujado, en x = " + decimal(finalX, 3) + ".";
    } else {
      status = "Termina en x = " + decimal(finalX, 3) + " sin alcanzar el mínimo global (x ≈ " + decimal(d.global_min.x, 3) + ").";
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
