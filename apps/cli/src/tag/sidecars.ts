import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { PostInput } from '@trimod/trimod';
import type { InputFormat, InputRecord } from './records';

/** A record with its caption from --captions and its image path resolved against --images. */
export function withSidecars(record: InputRecord, format: InputFormat, captions: Map<string, string> | null, images: string | null): PostInput {
  const { problem: _problem, ...post } = record;
  if (post.caption == null && captions) {
    const caption = captions.get(String(post.id));
    if (caption !== undefined) post.caption = caption;
  }
  if (images !== null) {
    if (typeof post.image === 'string') post.image = path.resolve(images, post.image);
    else if (format === 'twitter' && post.image == null) {
      const guess = path.join(images, `${post.id}.jpg`);
      if (existsSync(guess)) post.image = guess;
    }
  }
  return post;
}
