// The active-matter system for users: the two particle models, the pair forces, the entropy
// production and its two estimators (docs/science.md §2 has the long form).
import type { SystemAbout } from '../types';

const dx = '<mi>d</mi><msub><mi>x</mi><mi>i</mi></msub>';
const noise = '<msqrt><mn>2</mn><msub><mi>D</mi><mi>t</mi></msub></msqrt><mi>d</mi><msub><mi>W</mi><mi>i</mi></msub>';
const Fi = '<mi>k</mi><msub><mi>F</mi><mi>i</mi></msub>';

export const about: SystemAbout = {
  sections: [
    {
      id: 'models',
      title: 'Active particles',
      html: `<p>N self-propelled disks in a periodic square box of side L, set by the packing fraction φ = Nπr²/L² [Boffi 2023].
        Persistent self-propulsion plus crowding makes them cluster: motility-induced phase separation (MIPS).
        Lengths are in r<sub>0</sub> (soft disks) or σ (WCA); time in the units of dt.</p>
        <p><em>Active Ornstein–Uhlenbeck (AOUP)</em>: propulsion g<sub>i</sub> ∈ ℝ², stationary law N(0, I).</p>
        <math display="block">${dx}<mo>=</mo><mo>[</mo><msub><mi>v</mi><mn>0</mn></msub><msub><mi>g</mi><mi>i</mi></msub><mo>+</mo>${Fi}<mo>−</mo><mi>A</mi><msub><mi>x</mi><mi>i</mi></msub><mo>]</mo><mi>d</mi><mi>t</mi><mo>+</mo>${noise}<mo>,</mo>
          <mspace width="1em"/><mi>d</mi><msub><mi>g</mi><mi>i</mi></msub><mo>=</mo><mo>−</mo><mi>γ</mi><msub><mi>g</mi><mi>i</mi></msub><mi>d</mi><mi>t</mi><mo>+</mo><msqrt><mn>2</mn><mi>γ</mi></msqrt><mi>d</mi><msub><mi>B</mi><mi>i</mi></msub></math>
        <p><em>Active Brownian (ABP)</em>: heading θ<sub>i</sub>, n(θ) = (cos θ, sin θ); Pe = v<sub>0</sub>/(σ D<sub>r</sub>).</p>
        <math display="block">${dx}<mo>=</mo><mo>[</mo><msub><mi>v</mi><mn>0</mn></msub><mi>n</mi><mo>(</mo><msub><mi>θ</mi><mi>i</mi></msub><mo>)</mo><mo>+</mo>${Fi}<mo>]</mo><mi>d</mi><mi>t</mi><mo>+</mo>${noise}<mo>,</mo>
          <mspace width="1em"/><mi>d</mi><msub><mi>θ</mi><mi>i</mi></msub><mo>=</mo><msqrt><mn>2</mn><msub><mi>D</mi><mi>r</mi></msub></msqrt><mi>d</mi><msub><mi>B</mi><mi>i</mi></msub></math>
        <p><em>Pair forces</em> F<sub>i</sub> = Σ<sub>j</sub> f(r<sub>ij</sub>) x̂<sub>ij</sub>: soft disks
        f(r) = softplus<sub>b</sub>(2r<sub>0</sub> − r) with softplus<sub>b</sub>(z) = ln(1 + e<sup>bz</sup>)/b, or WCA,</p>
        <math display="block"><mi>U</mi><mo>(</mo><mi>r</mi><mo>)</mo><mo>=</mo><mn>4</mn><mi>ε</mi><mrow><mo>[</mo><msup><mrow><mo>(</mo><mfrac><mi>σ</mi><mi>r</mi></mfrac><mo>)</mo></mrow><mn>12</mn></msup><mo>−</mo><msup><mrow><mo>(</mo><mfrac><mi>σ</mi><mi>r</mi></mfrac><mo>)</mo></mrow><mn>6</mn></msup><mo>]</mo></mrow><mo>+</mo><mi>ε</mi>
          <mspace width="1em"/><mtext>for </mtext><mi>r</mi><mo>&lt;</mo><msup><mn>2</mn><mrow><mn>1</mn><mo>/</mo><mn>6</mn></mrow></msup><mi>σ</mi></math>`,
    },
    {
      id: 'epr',
      title: 'Entropy production',
      html: `<p>For drift b and diffusion D the probability-flow velocity is v = b − D s, with the score s = ∇ log ρ; the entropy
        production rate (EPR, per particle, in 1/time) is, over the coordinates that carry noise,</p>
        <math display="block"><mi>EPR</mi><mo>=</mo><mi>𝔼</mi><mo>[</mo><mi>v</mi><mo>·</mo><msup><mi>D</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup><mi>v</mi><mo>]</mo></math>
        <p><em>Score-free estimator</em> (no network; exact in steady state, where 𝔼[div v] = 0): with D<sub>t</sub> = 0,</p>
        <math display="block"><mi>EPR</mi><mo>=</mo><mo>−</mo><mi>𝔼</mi><mrow><mo>[</mo><munder><mo>∑</mo><mi>i</mi></munder><msub><mo>div</mo><msub><mi>x</mi><mi>i</mi></msub></msub><msub><mi>b</mi><msub><mi>x</mi><mi>i</mi></msub></msub><mo>]</mo></mrow><mo>,</mo>
          <mspace width="1em"/><msub><mo>div</mo><msub><mi>x</mi><mi>i</mi></msub></msub><msub><mi>b</mi><msub><mi>x</mi><mi>i</mi></msub></msub><mo>=</mo><mi>k</mi><munder><mo>∑</mo><mi>j</mi></munder><mrow><mo>[</mo><mi>f</mi><mo>(</mo><msub><mi>r</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><mo>)</mo><mfrac><mrow><mi>d</mi><mo>−</mo><mn>1</mn></mrow><msub><mi>r</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub></mfrac><mo>+</mo><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><msub><mi>r</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><mo>)</mo><mo>]</mo></mrow><mo>−</mo><mi>A</mi><mi>d</mi></math>
        <p>and with D<sub>t</sub> &gt; 0, 𝔼[Σ<sub>i</sub> |b<sub>x<sub>i</sub></sub>|²/D<sub>t</sub> + div<sub>x<sub>i</sub></sub> b<sub>x<sub>i</sub></sub>].
        The per-particle terms are the "local EPR" colouring (a noisy estimate of the local production, exact only on average).
        With D<sub>t</sub> &gt; 0 the time step biases it: a passive system reads k⟨∇²U⟩(T<sub>conf</sub>/kT − 1) instead of 0.</p>
        <p><em>Learned estimator</em> (the score network): for AOUP with D<sub>t</sub> = 0 only g is noisy, and</p>
        <math display="block"><mi>EPR</mi><mo>=</mo><mi>γ</mi><mspace width="0.2em"/><mi>𝔼</mi><mrow><mo>[</mo><munder><mo>∑</mo><mi>i</mi></munder><msup><mrow><mo>|</mo><msub><mi>g</mi><mi>i</mi></msub><mo>+</mo><msub><mi>s</mi><msub><mi>g</mi><mi>i</mi></msub></msub><mo>|</mo></mrow><mn>2</mn></msup><mo>]</mo></mrow><mo>,</mo>
          <mspace width="1em"/><mtext>local: </mtext><mfrac><mrow><msub><mo>div</mo><msub><mi>g</mi><mi>i</mi></msub></msub><msub><mi>v</mi><msub><mi>g</mi><mi>i</mi></msub></msub></mrow><mi>γ</mi></mfrac><mo>=</mo><mo>−</mo><mi>d</mi><mo>−</mo><msub><mo>div</mo><msub><mi>g</mi><mi>i</mi></msub></msub><msub><mi>s</mi><msub><mi>g</mi><mi>i</mi></msub></msub></math>
        <p>(ABP: D<sub>r</sub> 𝔼[s<sub>θ</sub>²]). The score comes from denoising score matching with antithetic noise, y = x ± σζ (DSM loss):</p>
        <math display="block"><mi>ℒ</mi><mo>=</mo><mi>𝔼</mi><munder><mo>∑</mo><mo>±</mo></munder><mrow><mo>[</mo><msup><mrow><mo>|</mo><mi>s</mi><mo>(</mo><mi>x</mi><mo>±</mo><mi>σ</mi><mi>ζ</mi><mo>)</mo><mo>|</mo></mrow><mn>2</mn></msup><mo>±</mo><mn>2</mn><mi>s</mi><mo>(</mo><mi>x</mi><mo>±</mo><mi>σ</mi><mi>ζ</mi><mo>)</mo><mo>·</mo><mi>ζ</mi><mo>/</mo><mi>σ</mi><mo>]</mo></mrow></math>
        <p>The learned EPR is checked against its own divergence form (𝔼[div s] = −𝔼|s|²): the gap between the two is the convergence verdict.</p>`,
    },
    {
      id: 'msd',
      title: 'Free-particle check',
      html: `<p>Without interactions the mean squared displacement is known exactly (d = 2); the MSD plot draws it beside the measured one.</p>
        <math display="block"><msub><mi>MSD</mi><mi>AOUP</mi></msub><mo>=</mo><mn>2</mn><mi>d</mi><msub><mi>D</mi><mi>t</mi></msub><mi>t</mi><mo>+</mo><mn>2</mn><mi>d</mi><msubsup><mi>v</mi><mn>0</mn><mn>2</mn></msubsup><mfrac><mrow><mi>γ</mi><mi>t</mi><mo>−</mo><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>γ</mi><mi>t</mi></mrow></msup></mrow><msup><mi>γ</mi><mn>2</mn></msup></mfrac></math>
        <math display="block"><msub><mi>MSD</mi><mi>ABP</mi></msub><mo>=</mo><mn>4</mn><msub><mi>D</mi><mi>t</mi></msub><mi>t</mi><mo>+</mo><mn>2</mn><msubsup><mi>v</mi><mn>0</mn><mn>2</mn></msubsup><mfrac><mrow><msub><mi>D</mi><mi>r</mi></msub><mi>t</mi><mo>−</mo><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><msub><mi>D</mi><mi>r</mi></msub><mi>t</mi></mrow></msup></mrow><msubsup><mi>D</mi><mi>r</mi><mn>2</mn></msubsup></mfrac></math>`,
    },
  ],
  references: [
    { key: 'Boffi 2023', text: 'N. M. Boffi, E. Vanden-Eijnden, “Deep learning probability flows and entropy production rates in active matter”, 2023.' },
  ],
};
