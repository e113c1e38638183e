// Shared look for the lab's components (dark, compact).
import { css } from 'lit';

export const base = css`
  :host { font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #e6edf3; }
  button, select, input { font: inherit; color: inherit; }
  button {
    background: #21262d; border: 1px solid #363b42; border-radius: 6px; padding: 4px 10px; cursor: pointer;
  }
  button:hover:not(:disabled) { background: #30363d; border-color: #8b949e; }
  button:disabled { opacity: 0.5; cursor: default; }
  button.primary { background: #238636; border-color: #2ea043; color: #fff; }
  button.primary:hover:not(:disabled) { background: #2ea043; }
  select, input[type='text'], input[type='number'] {
    background: #0d1117; border: 1px solid #30363d; border-radius: 6px; padding: 3px 6px; min-width: 0;
  }
  select:focus, input:focus { outline: 1px solid #58a6ff; border-color: #58a6ff; }
  .muted { color: #8b949e; }
  h2 { font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: #8b949e; margin: 0 0 6px; font-weight: 600; }
`;

/** A modal panel (<dialog>) with a sticky title bar: the About and Sweep panels. */
export const panel = css`
  dialog { width: min(900px, 92vw); max-height: 86vh; background: #0d1117; color: #e6edf3; border: 1px solid #30363d; border-radius: 10px; padding: 0; }
  dialog::backdrop { background: rgba(1, 4, 9, 0.6); }
  .head { position: sticky; top: 0; display: flex; align-items: baseline; gap: 10px; padding: 10px 18px; background: #161b22; border-bottom: 1px solid #30363d; }
  .head h1 { font-size: 16px; margin: 0; flex: 1; }
`;
