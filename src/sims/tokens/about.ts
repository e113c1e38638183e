// The tokens system for users: the ODE a Transformer discretises, its two splittings, the sphere
// model and what the lab measures (docs/science.md §1 has the long form).
import type { SystemAbout } from '../types';

export const about: SystemAbout = {
  sections: [
    {
      id: 'ode',
      title: 'Tokens are particles',
      html: `<p>The n tokens x<sub>1</sub> … x<sub>n</sub> ∈ ℝ<sup>d</sup> of a sequence move in continuous depth t under two
        sub-flows [Lu 2019]: attention F, where every token feels every other, and the FFN G, where each token moves alone.</p>
        <math display="block"><mfrac><mrow><mi>d</mi><msub><mi>x</mi><mi>i</mi></msub></mrow><mrow><mi>d</mi><mi>t</mi></mrow></mfrac>
          <mo>=</mo><mi>F</mi><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>;</mo><msub><mi>x</mi><mn>1</mn></msub><mo>…</mo><msub><mi>x</mi><mi>n</mi></msub><mo>)</mo>
          <mo>+</mo><mi>G</mi><mo>(</mo><msub><mi>x</mi><mi>i</mi></msub><mo>)</mo></math>
        <math display="block"><msub><mi>a</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><mo>=</mo><msub><mi>softmax</mi><mi>j</mi></msub>
          <mo>(</mo><mi>β</mi><mo>⟨</mo><msub><mi>W</mi><mi>q</mi></msub><msub><mi>x</mi><mi>i</mi></msub><mo>,</mo><msub><mi>W</mi><mi>k</mi></msub><msub><mi>x</mi><mi>j</mi></msub><mo>⟩</mo><mo>)</mo><mo>,</mo>
          <mspace width="1em"/><msub><mi>F</mi><mi>i</mi></msub><mo>=</mo><munder><mo>∑</mo><mi>h</mi></munder><msub><mi>W</mi><mrow><mi>o</mi><mo>,</mo><mi>h</mi></mrow></msub>
          <munder><mo>∑</mo><mi>j</mi></munder><msub><mi>a</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>W</mi><mrow><mi>v</mi><mo>,</mo><mi>h</mi></mrow></msub><msub><mi>x</mi><mi>j</mi></msub></math>
        <math display="block"><mi>G</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><msub><mi>W</mi><mn>2</mn></msub><mi>act</mi><mo>(</mo><msub><mi>W</mi><mn>1</mn></msub><mi>x</mi><mo>+</mo><msub><mi>b</mi><mn>1</mn></msub><mo>)</mo><mo>+</mo><msub><mi>b</mi><mn>2</mn></msub></math>`,
    },
    {
      id: 'splitting',
      title: 'A layer is a splitting step',
      html: `<p>One layer is one step of size dt (<code>dt</code>), each sub-flow advanced by an Euler step. The standard layer is
        Lie–Trotter; the Macaron layer (½ FFN, attention, ½ FFN) is Strang–Marchuk [Lu 2019].</p>
        <math display="block"><mtext>Lie–Trotter: </mtext><mover><mi>x</mi><mo>~</mo></mover><mo>=</mo><mi>x</mi><mo>+</mo><mi>dt</mi><mspace width="0.2em"/><mi>F</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>,</mo>
          <mspace width="0.6em"/><msup><mi>x</mi><mo>′</mo></msup><mo>=</mo><mover><mi>x</mi><mo>~</mo></mover><mo>+</mo><mi>dt</mi><mspace width="0.2em"/><mi>G</mi><mo>(</mo><mover><mi>x</mi><mo>~</mo></mover><mo>)</mo></math>
        <math display="block"><mtext>Strang: </mtext><mover><mi>x</mi><mo>~</mo></mover><mo>=</mo><mi>x</mi><mo>+</mo><mfrac><mi>dt</mi><mn>2</mn></mfrac><mi>G</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>,</mo>
          <mspace width="0.6em"/><mover><mi>x</mi><mo>^</mo></mover><mo>=</mo><mover><mi>x</mi><mo>~</mo></mover><mo>+</mo><mi>dt</mi><mspace width="0.2em"/><mi>F</mi><mo>(</mo><mover><mi>x</mi><mo>~</mo></mover><mo>)</mo><mo>,</mo>
          <mspace width="0.6em"/><msup><mi>x</mi><mo>′</mo></msup><mo>=</mo><mover><mi>x</mi><mo>^</mo></mover><mo>+</mo><mfrac><mi>dt</mi><mn>2</mn></mfrac><mi>G</mi><mo>(</mo><mover><mi>x</mi><mo>^</mo></mover><mo>)</mo></math>
        <p><em>Convergence reference.</em> "Measure convergence" runs the same start to the horizon T at several dt and compares each
        with a fine reference: RK4 on the unsplit ODE at a quarter of the smallest dt, whose own error is about 4⁴ times below the finest run's. The log–log slope of error against dt is the order: with exact
        sub-flows Lie–Trotter is first order and Strang second; with Euler sub-steps, as a real layer does them, both are first order.</p>`,
    },
    {
      id: 'sphere',
      title: 'Tokens on the sphere',
      html: `<p>With LayerNorm the tokens live on the unit sphere and the velocity is projected onto its tangent space
        [Geshkovski 2023]. With Q = K = V = I and d ≥ 3 they collapse into one cluster for almost every start; at large β only after
        long metastable phases with several clusters. <code>normalization = uniform</code> divides by n instead of Z<sub>i</sub>.</p>
        <math display="block"><mfrac><mrow><mi>d</mi><msub><mi>x</mi><mi>i</mi></msub></mrow><mrow><mi>d</mi><mi>t</mi></mrow></mfrac><mo>=</mo>
          <msub><mi>P</mi><msub><mi>x</mi><mi>i</mi></msub></msub><mrow><mo>(</mo><mfrac><mn>1</mn><msub><mi>Z</mi><mi>i</mi></msub></mfrac><munder><mo>∑</mo><mi>j</mi></munder>
          <msup><mi>e</mi><mrow><mi>β</mi><mo>⟨</mo><mi>Q</mi><msub><mi>x</mi><mi>i</mi></msub><mo>,</mo><mi>K</mi><msub><mi>x</mi><mi>j</mi></msub><mo>⟩</mo></mrow></msup><mi>V</mi><msub><mi>x</mi><mi>j</mi></msub><mo>)</mo></mrow><mo>,</mo>
          <mspace width="1em"/><msub><mi>P</mi><mi>x</mi></msub><mi>y</mi><mo>=</mo><mi>y</mi><mo>−</mo><mo>⟨</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>⟩</mo><mi>x</mi></math>
        <p>The interaction energy increases along the softmax dynamics:</p>
        <math display="block"><msub><mi>E</mi><mi>β</mi></msub><mo>=</mo><mfrac><mn>1</mn><mrow><mn>2</mn><mi>β</mi><msup><mi>n</mi><mn>2</mn></msup></mrow></mfrac>
          <munder><mo>∑</mo><mrow><mi>i</mi><mo>,</mo><mi>j</mi></mrow></munder><msup><mi>e</mi><mrow><mi>β</mi><mo>⟨</mo><msub><mi>x</mi><mi>i</mi></msub><mo>,</mo><msub><mi>x</mi><mi>j</mi></msub><mo>⟩</mo></mrow></msup></math>
        <p>Two tokens are in one cluster when ⟨x<sub>i</sub>, x<sub>j</sub>⟩ &gt; 0.999, the threshold of the paper's phase diagrams.</p>`,
    },
    {
      id: 'trained',
      title: 'Trained networks as particles',
      html: `<p><code>weights = trained</code> loads a network trained in the lab (<code>lab train tokens</code>): a pre-LN Transformer
        of width 64 with 4 heads and 2 layers, standard or Macaron at equal weight matrices, that sorts 16 letters a–p or predicts
        the next character of the KJV Genesis and Exodus. <code>text</code> is its input; <code>splitting</code> picks the network
        (Lie–Trotter: standard, Strang: Macaron). Each frame is the residual stream after one sub-layer, so a standard layer takes two
        frames and a Macaron layer three; the view is the PCA of all frames, fixed, so trails follow the tokens through depth.
        Past the last layer the tokens stay at the network's output.</p>
        <p>A trained sub-layer adds F<sub>s</sub>(x) = branch(LN x) to the stream: it is one Euler step of size 1 of the sub-flow
        dx/dt = F<sub>s</sub>(x), and a layer one splitting step of the flow dx/dt = Σ<sub>s</sub> F<sub>s</sub>(x).
        "Measure convergence" refines each layer's step with the same weights (n sub-steps of 1/n, the same splitting) and
        compares it with that flow, solved by RK4 with 64 steps:</p>
        <math display="block"><mtext>gap</mtext><mo>(</mo><mi>n</mi><mo>)</mo><mo>=</mo><mfrac><mrow><mo>‖</mo><msub><mi>X</mi><mi>n</mi></msub><mo>−</mo><msub><mi>X</mi><mtext>flow</mtext></msub><mo>‖</mo></mrow>
          <mrow><mo>‖</mo><msub><mi>X</mi><mtext>flow</mtext></msub><mo>−</mo><msub><mi>X</mi><mi>l</mi></msub><mo>‖</mo></mrow></mfrac></math>
        <p>gap(1) is the network's own layer: near 0 means the layer is a good ODE step, near 1 that it moves as far from the flow
        as the flow moves. The step-size plot shows ‖X<sub>l+1</sub> − X<sub>l</sub>‖ / ‖X<sub>l</sub>‖ per layer for both networks.
        E<sub>β</sub> is taken on the unit-normalised tokens (β cos<sub>ij</sub>), since the residual stream is off the sphere.</p>`,
    },
  ],
  references: [
    { key: 'Lu 2019', text: 'Y. Lu, Z. Li, D. He, Z. Sun, B. Dong, T. Qin, L. Wang, T.-Y. Liu, “Understanding and Improving Transformer From a Multi-Particle Dynamic System Point of View” (Macaron Net), 2019.' },
    { key: 'Geshkovski 2023', text: 'B. Geshkovski, C. Letrouit, Y. Polyanskiy, P. Rigollet, “A mathematical perspective on Transformers”, 2023.' },
  ],
};
