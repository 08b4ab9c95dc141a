/**
 * `@trimod/core/artifacts`: the low-level artifact layer, for code that writes or reads model
 * folders itself (a package's own file layout, training checkpoints, converters). Most code needs
 * only saveModule / loadModule from `@trimod/core`.
 */
export { ArtifactError, type ArtifactErrorCode, type ArtifactProblem } from './errors';
export {
  DEFAULT_SHARD_BYTES,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  STORAGE_TYPES,
  parseModelJson,
  storedByteLength,
  type ExtraFileEntry,
  type ModelJson,
  type Quantization,
  type StorageType,
  type StoredDtype,
  type WeightGroup,
  type WeightSpec,
} from './format';
export {
  encodeArtifact,
  type ArtifactContents,
  type ArtifactEncodeOptions,
  type EncodedArtifact,
  type EncodedFile,
  type HostWeight,
  type StoredWeightBytes,
} from './encode';
export { decodeWeightValues, type WeightValues } from './decode';
export { saveArtifact, type ArtifactSaveOptions } from './save';
export { loadArtifact, openArtifact, type ArtifactLoadOptions, type LoadedArtifact, type OpenedArtifact } from './load';
export type { ArtifactReader } from './reader';
export { fetchReader, type FetchReaderOptions } from './io-fetch';
export {
  nodeFolderReader,
  recoverInterruptedSave,
  type RecoverOptions,
  type RecoverReport,
  type SaveStep,
  type SaveStepInfo,
} from './io-node';
export { checkWeights, type FoundWeight, type WeightExpectation } from './validate';
// saveModule / loadModule are in @trimod/core itself (loadModule needs its class registry).
export { assetFilesOf, assignWeights, expectedWeightsOf } from './module';
export { assetFilesUnder, collectAssets, restoreAssets } from './assets';
export { quantizeColumns, dequantizeColumns } from './uint8-columns';
export { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX } from './float16';
