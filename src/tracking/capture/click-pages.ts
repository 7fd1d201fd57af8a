// The only bodies a tracking link ever answers with: small, static, no JSON (visitors see them).
const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><p>${text}</p></body></html>\n`;

export const NOT_FOUND_PAGE = page('Link not found', 'This link does not exist or is no longer active.');
export const UNAVAILABLE_PAGE = page(
  'Temporarily unavailable',
  'This link cannot be followed right now. Please try again in a moment.',
);
export const HTML = 'text/html; charset=utf-8';
