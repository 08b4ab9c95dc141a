/** Sizes of the attention GRU caption decoder; plain JSON, saved with the weights. */
export interface DecoderConfig {
  /** D of the backbone's regions [B, R, D]. */
  regionDim: number;
  /** Word embedding size. */
  embedDim: number;
  /** Regions are projected to this size; the attended context has it too. */
  contextDim: number;
  /** GRU state size. */
  hiddenDim: number;
  /** Size of the additive attention's hidden layer. */
  attentionDim: number;
  /** Longest caption (in words) written or trained on. */
  maxWords: number;
  /** Dropout on the GRU state before the word classifier (training only). */
  dropout: number;
  seed: number;
  /**
   * Standardise each region feature with statistics of the training regions (stored as the
   * fixed weights `region/mean` and `region/invStd`) before the projection. The stacked
   * regions join blocks of very different scales (class scores spread 0.07, MobileNetV2's
   * 0.53), and Adam moves every weight by about the same step, so without this the small
   * blocks barely count. Absent (older decoders): off.
   */
  standardizeRegions?: boolean;
  /**
   * Deep output layer (Show, Attend and Tell, eq. 7): the word classifier reads the GRU state
   * plus projections of the attended context and of the previous word's embedding (weights
   * `deep/context` and `deep/embed`), so the image reaches each word choice directly, not only
   * through the recurrent state. Absent (older decoders): off.
   */
  deepOutput?: boolean;
  /**
   * Dropout on the input word embeddings (training only). The decoder overfits the captions'
   * language within 2-3 epochs; dropping input words makes it lean on the image. Absent: 0.
   */
  inputDropout?: number;
}

export const DEFAULT_DECODER_CONFIG: Omit<DecoderConfig, 'regionDim'> = {
  // Sized for training on a shared 2-core CPU (tfjs wasm): each step's weight-gradient
  // matMuls cost in proportion to the in-loop weight sizes, so the recurrent part stays small.
  embedDim: 128,
  contextDim: 256,
  hiddenDim: 256,
  attentionDim: 128,
  maxWords: 20,
  dropout: 0.5,
  seed: 1,
};
