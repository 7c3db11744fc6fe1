// Questions asked of the package's catalog() (src/catalog.rs: neurons, surrogates and their
// parameters, neuron parameters, optimizers, data presets, energy, class names), shared by the
// page and the worker. Pure functions of the catalog object: no name, default or range is
// written here; a surrogate added in Rust shows up in every answer.

export const neuronInfo = (cat, name) => cat.neurons.find((n) => n.name === name) ?? null;
export const datasetInfo = (cat, name) => cat.datasets.find((d) => d.name === name) ?? null;

/** The SurrogateInfo a neuron is trained through (null for ReLU and BNN). */
export function surrogateOf(cat, neuron) {
  const n = neuronInfo(cat, neuron);
  return (n?.surrogate && cat.surrogates.find((s) => s.name === n.surrogate)) || null;
}

/** The neuron-parameter entries (threshold, steps, leak …) that apply to a neuron. */
export const neuronParamsOf = (cat, neuron) => cat.neuronParams.filter((p) => p.appliesTo.includes(neuron));

/**
 * Every run parameter, one entry per name, in control order (surrogate parameters, then neuron
 * parameters): {name, source: 'surrogate'|'neuron'}.
 */
export function paramNames(cat) {
  const out = [];
  const add = (name, source) => out.some((p) => p.name === name) || out.push({ name, source });
  for (const s of cat.surrogates) for (const p of s.params) add(p.name, 'surrogate');
  for (const p of cat.neuronParams) add(p.name, 'neuron');
  return out;
}

/** A neuron parameter with one entry (one default for every neuron) is the same for every model of a run. */
const runWide = (cat, name) => cat.neuronParams.filter((p) => p.name === name).length === 1;

/**
 * The ParamInfo/NeuronParamInfo entries a model of `neuron` takes from the run's settings, when
 * the run's chosen neuron is `main`: all its own parameters if it is the chosen neuron, else only
 * the run-wide neuron parameters (a compared LIF model gets the run's T and λ, not its θ).
 */
export function paramsTaken(cat, neuron, main) {
  const own = neuronParamsOf(cat, neuron);
  if (neuron !== main) return own.filter((p) => runWide(cat, p.name));
  return [...(surrogateOf(cat, neuron)?.params ?? []), ...own];
}

/** The entry of parameter `name` for the chosen neuron (or the run-wide entry), else null. */
export function paramEntry(cat, name, neuron) {
  const s = surrogateOf(cat, neuron)?.params.find((p) => p.name === name);
  if (s) return s;
  return neuronParamsOf(cat, neuron).find((p) => p.name === name) ?? (runWide(cat, name) ? cat.neuronParams.find((p) => p.name === name) : null);
}

/** The surrogateCurve config of a surrogate with the given values ({name: value}; defaults where missing). */
export function curveConfig(surrogate, values = {}) {
  const cfg = { kind: surrogate.name };
  for (const p of surrogate.params) cfg[p.name] = values[p.name] ?? p.default;
  return cfg;
}

/** The catalog name of a model's neuron from its spec (`net.spec().neuron`, kind = family). */
export function neuronOfSpec(cat, spec) {
  const family = cat.neurons.filter((n) => n.family === spec?.kind);
  const want = spec?.surrogate?.kind;
  return (family.find((n) => n.surrogate === want) ?? family[0])?.name ?? null;
}

/** Families trained side by side in compare mode, in this order: S³NN-style, ANN, BNN, multi-step SNN. */
const COMPARE_FAMILIES = ['spike', 'relu', 'sign', 'multiStep'];

/** The compare-mode models: one per family; the spiking one is the chosen neuron if it is a spiking one. */
export function compareNeurons(cat, main) {
  const chosen = neuronInfo(cat, main);
  return COMPARE_FAMILIES.map((f) => (chosen?.family === f ? chosen : cat.neurons.find((n) => n.family === f))).filter(Boolean);
}
