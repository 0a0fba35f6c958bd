// Public surface of model cards: build one from measurements and metadata, render it as HTML.

export { buildModelCard, CARD_EPSILONS, type ModelCardOptions } from "./build.js";
export { MODEL_CARD_SCHEMA, type ModelCard } from "./card.js";
export { modelCardHtml } from "./html.js";
export {
  type CardMetadata,
  cardMetadataSchema,
  loadCardMetadata,
  parseCardMetadata,
} from "./metadata.js";
