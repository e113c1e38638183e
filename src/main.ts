// Entry point: registers the systems and starts the lab shell.
import './sims/index';
import './ui/lab-app';
