export { ArtifactError, type ArtifactErrorCode, type ArtifactProblem } from './errors';
export {
  DEFAULT_SHARD_BYTES,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  parseModelJson,
  type ExtraFileEntry,
  type ModelJson,
  type WeightGroup,
  type WeightSpec,
} from './format';
export { encodeArtifact, type ArtifactContents, type ArtifactEncodeOptions, type EncodedArtifact, type EncodedFile } from './encode';
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
export { assignWeights, expectedWeightsOf, loadModule, saveModule, type LoadModuleOptions, type SaveModuleOptions } from './module';
export { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX } from './float16';
