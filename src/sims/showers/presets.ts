// Named starting points. Every preset fixes its seed.
import type { Preset } from '../types';

export const presets: readonly Preset[] = [
  {
    name: 'electron-10gev',
    description:
      '10 GeV electrons at normal incidence in the ILD-like calorimeter (5 mm Si–W cells): about 200 hits each, the mean profile peaking near ECAL ' +
      'layer 8–9, about 4 % of the energy seen in the silicon. The overlay is an independent sample: the noise floor of every comparison.',
    values: { seed: 1, particle: 'electron', energy: '10', theta: 0, phi: 0, ecalCell: 5, window: 200, reference: 'independent' },
  },
  {
    name: 'photon-vs-electron',
    description:
      '10 GeV photons against 10 GeV electrons: a photon first travels Exp(9/7 X0) before it converts, so its showers start on average 1.3 X0 ' +
      'deeper and their centre of gravity sits about 2 thin ECAL layers deeper, with the same visible energy.',
    values: { seed: 2, particle: 'photon', energy: '10', theta: 0, phi: 0, ecalCell: 5, window: 300, reference: 'electron' },
  },
  {
    name: 'pion-50gev',
    description:
      '50 GeV charged pions (hadronic toy): a MIP track until the first interaction, 1 λ_I deep on average (the ECAL is 0.88 λ_I, so a bit ' +
      'over half start there), then a wide shower peaking in the HCAL. Against 50 GeV electrons, which stop in the ECAL.',
    values: { seed: 3, particle: 'pion', energy: '50', theta: 0, phi: 0, ecalCell: 5, window: 200, reference: 'electron' },
  },
  {
    name: 'energy-scan',
    description:
      'Electrons with energies drawn uniformly from 1 to 100 GeV, 10 mm ECAL cells. The calibrated energy (each layer’s visible energy over its ' +
      'sampling fraction) stays within 1 % of the incident energy, while the raw visible fraction falls from about 4.0 to 3.7 % as more of the ' +
      'shower reaches the thick-tungsten layers; the hit count and the depth of the maximum grow with the energy.',
    values: { seed: 4, particle: 'electron', energy: '1:100', theta: 0, phi: 0, ecalCell: 10, window: 400, reference: 'independent' },
  },
  {
    name: 'flow-electrons',
    description:
      'The flow model’s training conditions (AllShowers, scaled to this lab): electrons of 2–10 GeV at normal incidence, 15 mm ECAL cells: ' +
      'about 70 cells per shower, at most about 140, so every shower fits the model’s 160 points. The Flow model panel trains AllShowers’ transformer on ' +
      'these showers and as many photons (so its particle embedding learns the photons’ later start), and draws its showers beside the generator’s, ' +
      'each point flowing from noise to the shower.',
    values: { seed: 5, particle: 'electron', energy: '2:10', theta: 0, phi: 0, ecalCell: 15, window: 200, reference: 'independent' },
  },
];
