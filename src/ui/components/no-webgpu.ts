// The page shown when the browser has no WebGPU: what is needed and how to get it.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('lab-no-webgpu')
export class NoWebGPU extends LitElement {
  @property() reason = '';

  static override styles = css`
    :host { display: block; max-width: 720px; margin: 8vh auto; padding: 0 24px; font: 15px/1.6 system-ui, sans-serif; color: #e6edf3; }
    h1 { font-size: 26px; margin-bottom: 4px; }
    .why { color: #ff7b72; font-family: ui-monospace, monospace; font-size: 13px; }
    li { margin: 4px 0; }
    code { background: #161b22; border: 1px solid #30363d; border-radius: 4px; padding: 0 4px; font-size: 13px; }
  `;

  override render() {
    return html`
      <h1 data-testid="no-webgpu">Particle Lab needs WebGPU</h1>
      <p>The simulations run as compute shaders on your GPU through WebGPU, and this browser did not give the page a GPU device.</p>
      <p class="why">${this.reason}</p>
      <h2>What works</h2>
      <ul>
        <li><b>Chrome or Edge 113+</b> on Windows, macOS and ChromeOS (on by default); Chrome 121+ on Android 12+.</li>
        <li><b>Safari 26</b> on macOS, iOS and iPadOS (on by default).</li>
        <li><b>Firefox 141+</b> on Windows (on by default); other platforms in Nightly.</li>
        <li><b>Linux</b>: Chrome/Chromium with <code>chrome://flags/#enable-unsafe-webgpu</code> enabled (and <code>--enable-features=Vulkan</code> if the GPU is not picked up); without a GPU, start Chromium with <code>--enable-unsafe-webgpu --enable-features=Vulkan --use-vulkan=swiftshader --enable-unsafe-swiftshader</code> to run on the CPU (slow).</li>
      </ul>
      <h2>Also check</h2>
      <ul>
        <li>The page must be served over <code>https://</code> or from <code>http://localhost</code> / <code>http://127.0.0.1</code>: WebGPU exists only in secure contexts (not <code>file://</code>).</li>
        <li>Hardware acceleration must be on (Chrome: Settings → System), and the GPU not blocklisted (<code>chrome://gpu</code> shows the WebGPU status).</li>
        <li>Up-to-date graphics drivers.</li>
      </ul>
      <p>See <a href="https://caniuse.com/webgpu">caniuse.com/webgpu</a> for the current support table.</p>
    `;
  }
}
