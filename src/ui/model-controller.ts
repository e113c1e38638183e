// A Lit reactive controller that redraws its host whenever the model session it watches changes
// (training progress, a load stage, a finished evaluation), and lets go when the host goes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ModelSession } from '../sims/model';

export class ModelSessionController implements ReactiveController {
  private session: ModelSession | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Watches `session` (undefined: none) instead of the previous one. */
  watch(session: ModelSession | undefined): void {
    if (session === this.session) return;
    this.unsubscribe?.();
    this.session = session;
    this.unsubscribe = session?.subscribe(() => this.host.requestUpdate());
  }

  hostConnected(): void {
    if (this.session && !this.unsubscribe) this.unsubscribe = this.session.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
