// The showers system for users: the detector, GFlash, the hadronic toy, the evaluation protocol
// and the flow model (docs/science.md §3 has the long form).
import type { SystemAbout } from '../types';

export const about: SystemAbout = {
  sections: [
    {
      id: 'detector',
      title: 'Showers as point clouds',
      html: `<p>A shower in a highly granular calorimeter is a point cloud: one point (x, y, layer, E) per cell above threshold.
        The detector is ILD-like: 30 silicon–tungsten ECAL layers with 5 mm cells (<code>ecalCell</code>), then 48
        steel–scintillator HCAL layers with 30 mm tiles. One step makes one shower; shower i depends only on the parameters
        and i. Energies are visible energies in GeV; positions in mm.</p>`,
    },
    {
      id: 'gflash',
      title: 'GFlash: electromagnetic showers',
      html: `<p>Depth t in radiation lengths X<sub>0</sub>. Each shower has a Gamma longitudinal profile with maximum
        T = (α − 1)/β; ln T and ln α are drawn per shower from correlated normal laws fitted in ln(E/E<sub>c</sub>) [GFlash].</p>
        <math display="block"><mfrac><mrow><mi>d</mi><mi>E</mi></mrow><mrow><mi>d</mi><mi>t</mi></mrow></mfrac><mo>=</mo><mi>E</mi><mfrac><mrow><mi>β</mi><msup><mrow><mo>(</mo><mi>β</mi><mi>t</mi><mo>)</mo></mrow><mrow><mi>α</mi><mo>−</mo><mn>1</mn></mrow></msup><msup><mi>e</mi><mrow><mo>−</mo><mi>β</mi><mi>t</mi></mrow></msup></mrow><mrow><mi>Γ</mi><mo>(</mo><mi>α</mi><mo>)</mo></mrow></mfrac></math>
        <p>The lateral profile at depth τ = t/T is a core plus a tail, r in Molière radii:</p>
        <math display="block"><mi>f</mi><mo>(</mo><mi>r</mi><mo>)</mo><mo>=</mo><mi>p</mi><mfrac><mrow><mn>2</mn><mi>r</mi><msubsup><mi>R</mi><mi>C</mi><mn>2</mn></msubsup></mrow><msup><mrow><mo>(</mo><msup><mi>r</mi><mn>2</mn></msup><mo>+</mo><msubsup><mi>R</mi><mi>C</mi><mn>2</mn></msubsup><mo>)</mo></mrow><mn>2</mn></msup></mfrac>
          <mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><mi>p</mi><mo>)</mo><mfrac><mrow><mn>2</mn><mi>r</mi><msubsup><mi>R</mi><mi>T</mi><mn>2</mn></msubsup></mrow><msup><mrow><mo>(</mo><msup><mi>r</mi><mn>2</mn></msup><mo>+</mo><msubsup><mi>R</mi><mi>T</mi><mn>2</mn></msubsup><mo>)</mo></mrow><mn>2</mn></msup></mfrac></math>
        <p>The visible energy is smeared with a stochastic term σ/E = a/√E, a ≈ 0.11. Pions and neutrons come from a documented
        hadronic toy: an exponential first-interaction depth of mean λ<sub>I</sub>, an electromagnetic fraction
        f<sub>em</sub> = 1 − (E/E<sub>0</sub>)<sup>k−1</sup> rendered with GFlash, and a wider hadronic part seen at a reduced response.</p>`,
    },
    {
      id: 'evaluation',
      title: 'Comparing samples',
      html: `<p>Per shower: centre of gravity in x, y and layer; number of hits; visible over incident energy; hit energies; energy per
        layer and per radial bin. Two samples are compared feature by feature by the 1-D Wasserstein-1 distance, each feature
        standardised by the reference's mean and standard deviation [AllShowers]:</p>
        <math display="block"><msub><mi>W</mi><mn>1</mn></msub><mo>(</mo><mi>P</mi><mo>,</mo><mi>Q</mi><mo>)</mo><mo>=</mo><msubsup><mo>∫</mo><mrow><mo>−</mo><mi>∞</mi></mrow><mi>∞</mi></msubsup><mrow><mo>|</mo><msub><mi>F</mi><mi>P</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>−</mo><msub><mi>F</mi><mi>Q</mi></msub><mo>(</mo><mi>x</mi><mo>)</mo><mo>|</mo></mrow><mi>d</mi><mi>x</mi></math>
        <p>The same distance between two independent samples of the generator is the noise floor, of order 1.8/√n for n showers:
        a candidate is as good as the reference when it sits there.</p>`,
    },
    {
      id: 'flow',
      title: 'The flow model (AllShowers)',
      html: `<p>Each hit is a token; the model generates its standardised (x, y, ln E) with its layer ℓ given. With data x at t = 0,
        noise z ~ N(0, I) at t = 1 and σ<sub>min</sub> = 10<sup>−4</sup> (conditional flow matching [Lipman 2023]):</p>
        <math display="block"><msub><mi>y</mi><mi>t</mi></msub><mo>=</mo><mo>(</mo><mn>1</mn><mo>−</mo><mi>t</mi><mo>)</mo><mi>x</mi><mo>+</mo><mo>(</mo><msub><mi>σ</mi><mi>min</mi></msub><mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>σ</mi><mi>min</mi></msub><mo>)</mo><mi>t</mi><mo>)</mo><mi>z</mi><mo>,</mo>
          <mspace width="1em"/><mi>ℒ</mi><mo>=</mo><mi>𝔼</mi><msup><mrow><mo>|</mo><msub><mi>v</mi><mi>θ</mi></msub><mo>(</mo><msub><mi>y</mi><mi>t</mi></msub><mo>,</mo><mi>t</mi><mo>)</mo><mo>−</mo><mo>(</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>σ</mi><mi>min</mi></msub><mo>)</mo><mi>z</mi><mo>−</mo><mi>x</mi><mo>)</mo><mo>|</mo></mrow><mn>2</mn></msup></math>
        <p>Noise and points are paired per layer by optimal transport. The velocity v<sub>θ</sub> is a transformer whose attention
        is limited to nearby layers. Sampling integrates dy/dt = v<sub>θ</sub> from t = 1 to t = 0 (Euler, midpoint or Heun), then
        snaps the points to their layer's cells. The per-layer counts come from the generator shower or from a second flow model.</p>`,
    },
  ],
  references: [
    { key: 'GFlash', text: 'G. Grindhammer, S. Peters, “The parameterized simulation of electromagnetic showers in homogeneous and sampling calorimeters”, hep-ex/0001020.' },
    { key: 'AllShowers', text: 'AllShowers (FLC-QU-hep, 2026): a flow-matching transformer for calorimeter showers, with the CaloClouds evaluation protocol.' },
    { key: 'Lipman 2023', text: 'Y. Lipman, R. T. Q. Chen, H. Ben-Hamu, M. Nickel, M. Le, “Flow Matching for Generative Modeling”, ICLR 2023.' },
  ],
};
