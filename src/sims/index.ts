// Registers every system with the registry. Import this once (UI entry, CLI, tests).
export {};
