// The first screen's guided runs: each is a link to a run state (state.js keys), so that it is
// shareable like any other run and goes through the same URL → controls path.
export const PRESETS = [
  {
    label: 'What θ does',
    hash: '#data=moons&threshold=0.8',
    says: 'a high threshold: fewer neurons reach it, so the firing rates and the energy fall (raise it further and the network dies; the energy panel then warns)',
  },
  {
    label: 'S³NN vs ANN on the spiral',
    hash: '#data=spiral&compare=1',
    says: 'the same data and seed trained as S³NN, ReLU ANN, BNN and a T-step LIF network side by side: accuracy and energy per inference',
  },
  {
    label: 'Why MNIST costs 0.67× and a CNN far less',
    hash: '#data=mnist',
    says: 'the 784-400-400-10 MLP: its first layer sees real pixels and needs MACs, which dominate; try the spiking CNN the Hidden list offers, where most layers are fed by spikes',
  },
];
