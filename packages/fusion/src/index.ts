/**
 * @trimod/fusion: per-token fusion of any number of modalities (attention, gated attention or
 * concat over token and set modalities, plus joined per-token features), with modality dropout.
 */
export {
  ModalityFusion,
  fusionConfigOf,
  type FusionKind,
  type ModalitySpec,
  type FusionConfig,
  type FusionInputs,
  type FusionOutput,
  type ModalityDropout,
  type FeatureDropout,
} from './fusion';
