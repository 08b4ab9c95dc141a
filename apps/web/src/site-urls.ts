/**
 * Where the demo's static files are, relative to the page (the site is built with base './',
 * so it works from any folder). scripts/site-assets.ts puts them there at build time.
 */
function siteUrl(path: string): string {
  return new URL(path, document.baseURI).href;
}

export const urls = {
  model: () => siteUrl('models/trimod/'),
  segmenter: () => siteUrl('models/segmenter/'),
  captioner: () => siteUrl('models/captioner/'),
  centernet: () => siteUrl('models/captioner/centernet/'),
  tfjsWasm: () => siteUrl('tfjs/'),
};
