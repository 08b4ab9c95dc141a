import type { BackendInfo } from '@trimod/core';
import { el, formatMs } from '../dom';

/** The backend in use, why each better one was skipped, and how long loading took. */
export function renderBackend(info: BackendInfo & { ms: number }): HTMLElement {
  const extra = info.adapter
    ? ` (${[info.adapter.vendor, info.adapter.architecture, info.adapter.description].filter(Boolean).join(', ') || 'adapter'})`
    : info.wasm
      ? ` (SIMD ${info.wasm.simd ? 'on' : 'off'}, threads ${info.wasm.threads ? 'on' : 'off'})`
      : '';
  return el('div', { id: 'backend', 'data-backend': info.backend }, [
    el('span', {}, ['backend: ', el('strong', {}, [info.backend]), extra, ` · ready in ${formatMs(info.ms)}`]),
    info.skipped.length
      ? el(
          'ul',
          { class: 'skipped' },
          info.skipped.map((s) => el('li', { 'data-skipped': s.backend }, [el('strong', {}, [s.backend]), ` skipped: ${s.reason}`])),
        )
      : null,
  ]);
}
