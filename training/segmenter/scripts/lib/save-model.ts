/**
 * Writes a segmenter model folder atomically: every file goes to a temporary sibling folder,
 * which then replaces the target in two renames, so a crash never leaves a half-written model.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { decodeParamsToJson, type DecodeParams } from '../../../../packages/hashtag-segmenter/src/decode/params';
import {
  encodeWeights,
  LEXICON_FILE,
  MODEL_JSON,
  SEGMENTER_FORMAT,
  SEGMENTER_FORMAT_VERSION,
  WEIGHTS_FILE,
  type SegmenterModelJson,
} from '../../../../packages/hashtag-segmenter/src/io/model-format';
import type { Lexicon } from '../../../../packages/hashtag-segmenter/src/lexicon';
import type { BoundaryModel } from '../../../../packages/hashtag-segmenter/src/neural/boundary-model';

export async function writeFolderAtomically(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await mkdir(parent, { recursive: true });
  const tmp = `${path.resolve(dir)}.tmp-${process.pid}`;
  const old = `${path.resolve(dir)}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(tmp, name), content);
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

export async function saveSegmenterModel(
  dir: string,
  model: BoundaryModel,
  lexicon: Lexicon | null,
  decode: DecodeParams,
  metadata: JsonObject = {},
  decodeLm?: DecodeParams,
): Promise<void> {
  const { data, specs } = await encodeWeights(model.namedWeights() as Record<string, tf.Tensor>);
  const json: SegmenterModelJson = {
    format: SEGMENTER_FORMAT,
    formatVersion: SEGMENTER_FORMAT_VERSION,
    boundaryModel: { ...model.config },
    decode: decodeParamsToJson(decode),
    ...(decodeLm ? { decodeLm: decodeParamsToJson(decodeLm) } : {}),
    lexicon: lexicon ? LEXICON_FILE : null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    metadata,
  };
  const files: Record<string, string | Uint8Array> = {
    [MODEL_JSON]: JSON.stringify(json, null, 1) + '\n',
    [WEIGHTS_FILE]: new Uint8Array(data),
  };
  if (lexicon) files[LEXICON_FILE] = lexicon.toText();
  await writeFolderAtomically(dir, files);
}
