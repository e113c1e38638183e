// The lab's version (package.json's; a test keeps the two equal), written into every export.
export const LAB_VERSION = '0.1.0';
