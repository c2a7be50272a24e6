// Webview entry point (skeleton).
export {};
