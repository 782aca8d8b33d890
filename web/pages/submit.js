import { sendJson, upload } from '../api.js';
import { errorBox, h } from '../ui.js';

function field(label, control, hint) {
  return h(
    'label.field',
    {},
    h('span.field-label', {}, label),
    control,
    hint ? h('span.hint', {}, hint) : null,
  );
}

/** The transcode spec's pixelFormat choices (PIXEL_FORMATS in src/media/encoders/pixel-format.ts; test/unit/dashboard-choices.test.ts keeps them the same). */
const PIXEL_FORMATS = [
  'auto',
  'source',
  'yuv420p',
  'yuv420p10le',
  'yuv422p',
  'yuv422p10le',
  'yuv444p',
  'yuv444p10le',
];

function select(name, values, initial) {
  return h(
    'select',
    { name },
    values.map((v) => h('option', { value: v, selected: v === initial }, v)),
  );
}

/** The transcode form: a server path or an uploaded file in, a path out, and the encode settings. */
export function submitPage(main) {
  const status = h('div');
  const file = h('input', { type: 'file', name: 'file', accept: 'video/*' });
  const form = h(
    'form.card.form',
    { onsubmit: (e) => void submit(e) },
    h('h2', {}, 'Input and output'),
    field(
      'Input path on the server',
      h('input', { name: 'input', placeholder: '/media/in/clip.mp4', autocomplete: 'off' }),
      'Must lie under one of the server’s input roots.',
    ),
    field('…or upload a file', file, 'Streamed into the server’s storage, then used as the input.'),
    field(
      'Output path on the server',
      h('input', { name: 'output', placeholder: '/media/out/clip.mp4', required: true, autocomplete: 'off' }),
      '.mp4, .m4v, .mov or .mkv under an output root.',
    ),
    h('h2', {}, 'Encoding'),
    h(
      'div.form-row',
      {},
      field(
        'Segments',
        h('input', { name: 'segments', type: 'number', min: 1, max: 512, placeholder: 'auto' }),
      ),
      field('Encoder', h('input', { name: 'encoder', value: 'auto' }), 'auto, x264, nvenc, vaapi, …'),
      field('Codec', select('codec', ['h264', 'hevc', 'av1'], 'h264')),
    ),
    h(
      'div.form-row',
      {},
      field('Quality (1–100)', h('input', { name: 'quality', type: 'number', min: 1, max: 100, value: 70 })),
      field('Preset', select('preset', ['fast', 'balanced', 'quality'], 'balanced')),
      field('Audio', select('audio', ['auto', 'copy', 'aac', 'none'], 'auto')),
    ),
    h(
      'div.form-row',
      {},
      field(
        'Pixel format',
        select('pixelFormat', PIXEL_FORMATS, 'auto'),
        'auto: 4:2:0 that browsers play; source: the source’s own.',
      ),
      field(
        'Deinterlace',
        select('deinterlace', ['auto', 'on', 'off'], 'auto'),
        'auto: only a source probed interlaced.',
      ),
    ),
    h(
      'div.form-actions',
      {},
      h('button.button.primary', { type: 'submit', dataset: { testid: 'submit' } }, 'Start transcode'),
      status,
    ),
  );
  main.append(h('div.page-head', {}, h('h1', {}, 'New transcode')), form);

  async function submit(event) {
    event.preventDefault();
    const data = new window.FormData(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    status.replaceChildren(h('span.muted', {}, 'Submitting…'));
    try {
      let input = String(data.get('input') ?? '').trim();
      if (file.files?.length) {
        status.replaceChildren(h('span.muted', {}, `Uploading ${file.files[0].name}…`));
        input = (await upload(file.files[0])).path;
      }
      const spec = {
        input,
        output: String(data.get('output')).trim(),
        encoder: String(data.get('encoder') || 'auto'),
        codec: data.get('codec'),
        quality: Number(data.get('quality')),
        preset: data.get('preset'),
        audio: data.get('audio'),
      };
      if (data.get('segments')) spec.segments = Number(data.get('segments'));
      // Sent only when changed: a spec without them is the one the CLI makes by default (same job id).
      for (const name of ['pixelFormat', 'deinterlace']) {
        if (data.get(name) !== 'auto') spec[name] = data.get(name);
      }
      const job = await sendJson('POST', '/v1/jobs', { type: 'transcode', spec });
      window.location.hash = `#/jobs/${job.id}`;
    } catch (error) {
      status.replaceChildren(errorBox(error));
      button.disabled = false;
    }
  }
}
