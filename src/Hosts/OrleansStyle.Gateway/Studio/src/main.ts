// The studio: one page over the gateway's gRPC-Web API (clients generated from protos/ by protoc-gen-es, calls by
// connect-web). No framework: a few panels wired to the DOM of index.html.
import { create } from "@bufbuild/protobuf";
import { ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { Browser } from "./gen/orleansstyle/v1/browser_pb";
import { JobState, OutputFormat, type JobInfo, type RenderEvent } from "./gen/orleansstyle/v1/common_pb";
import { Farm } from "./gen/orleansstyle/v1/farm_pb";
import { Jobs } from "./gen/orleansstyle/v1/jobs_pb";
import { Models, type ModelInfo } from "./gen/orleansstyle/v1/models_pb";
import {
  ColorMode, ImageChunkSchema, ImagePart, RegionSchema, RenderHeaderSchema, RenderMethod, StyleWeightSchema, type Region,
} from "./gen/orleansstyle/v1/render_pb";
import { Styles, type StyleInfo } from "./gen/orleansstyle/v1/styles_pb";
import { Training, TrainingKind, TrainingState, type TrainingJob } from "./gen/orleansstyle/v1/training_pb";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const keyStore = "orleansstyle.apiKey";

// ---- API ----------------------------------------------------------------------------------------------------------
const apiKey: Interceptor = (next) => async (request) => {
  const key = sessionStorage.getItem(keyStore);
  if (key) request.header.set("x-api-key", key);
  return next(request);
};
const transport = createGrpcWebTransport({ baseUrl: location.origin, interceptors: [apiKey] });
const api = {
  browser: createClient(Browser, transport),
  jobs: createClient(Jobs, transport),
  models: createClient(Models, transport),
  styles: createClient(Styles, transport),
  training: createClient(Training, transport),
  farm: createClient(Farm, transport),
};

function say(text: string, error = false) {
  const message = $("message");
  message.textContent = text;
  message.className = error ? "error" : "";
}

function fail(error: unknown) {
  if (error instanceof DOMException && error.name === "AbortError") return;
  const text = error instanceof ConnectError ? error.rawMessage || error.message : String(error);
  say(text, true);
  if (error instanceof ConnectError && error.code === 16 /* UNAUTHENTICATED */) $("api-key").focus();
}

const seconds = (d?: { seconds: bigint; nanos: number }) => (d ? Number(d.seconds) + d.nanos / 1e9 : 0);
const eta = (d?: { seconds: bigint; nanos: number }) => {
  const s = Math.round(seconds(d));
  return s <= 0 ? "" : s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};
const bytes = (n: bigint | number) => {
  const v = Number(n);
  return v < 1 << 20 ? `${(v / 1024).toFixed(0)} KiB` : `${(v / (1 << 20)).toFixed(1)} MiB`;
};
const stateName = (s: JobState) => JobState[s].toLowerCase();
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

// ---- Tabs and key -------------------------------------------------------------------------------------------------
const refreshers: Record<string, () => void> = {};
let currentTab = "render";
for (const button of document.querySelectorAll<HTMLButtonElement>("nav button")) {
  button.addEventListener("click", () => showTab(button.dataset.tab!));
}
function showTab(tab: string) {
  currentTab = tab;
  for (const b of document.querySelectorAll<HTMLButtonElement>("nav button")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const s of document.querySelectorAll<HTMLElement>(".tab")) s.hidden = s.id !== `tab-${tab}`;
  refreshers[tab]?.();
}
const keyInput = $<HTMLInputElement>("api-key");
keyInput.value = sessionStorage.getItem(keyStore) ?? "";
keyInput.addEventListener("change", () => {
  sessionStorage.setItem(keyStore, keyInput.value.trim());
  say("");
  void refreshCatalog().then(loadFarm);
});

// ---- Catalog: models and styles -----------------------------------------------------------------------------------
let models: ModelInfo[] = [];
let libraryStyles: StyleInfo[] = [];
const thumbnails = new Map<string, Promise<string | null>>();

function thumbnail(name: string): Promise<string | null> {
  let url = thumbnails.get(name);
  if (!url) {
    url = libraryStyles.some((s) => s.name === name)
      ? api.styles.getStyleThumbnail({ name, side: 160 }).then(
          (t) => URL.createObjectURL(new Blob([t.image as BlobPart], { type: t.mediaType })),
          () => null)
      : Promise.resolve(null);
    thumbnails.set(name, url);
  }
  return url;
}

let catalog: Promise<void> = Promise.resolve();
function refreshCatalog() {
  catalog = loadCatalog();
  return catalog;
}

async function loadCatalog() {
  try {
    const [m, s] = await Promise.all([api.models.listModels({}), api.styles.listStyles({})]);
    models = m.models;
    libraryStyles = s.styles;
    thumbnails.clear();
    const select = $<HTMLSelectElement>("model");
    const previous = select.value;
    select.replaceChildren(...models.map((model) => el("option", { value: model.name, textContent: `${model.name} (${model.kind})` })));
    if (models.some((model) => model.name === previous)) select.value = previous;
    updateMethod();
    renderLibrary();
    $<HTMLSelectElement>("train-styles").replaceChildren(...libraryStyles.map((style) => el("option", { value: style.name, textContent: style.name })));
  } catch (error) {
    fail(error);
  }
}

// ---- Render: inputs -----------------------------------------------------------------------------------------------
let photo: { name: string; data: Uint8Array } | null = null;
let photoLoading: Promise<void> = Promise.resolve();
const samples = ["garden", "ladybird", "storm"];

async function usePhoto(name: string, blob: Blob) {
  photo = { name, data: new Uint8Array(await blob.arrayBuffer()) };
  $("photo-name").textContent = `${name}, ${bytes(photo.data.length)}`;
  const image = await createImageBitmap(blob);
  const canvas = $<HTMLCanvasElement>("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext("2d")!.drawImage(image, 0, 0);
  image.close();
}

for (const sample of samples) {
  const img = el("img", { src: `samples/${sample}.jpg`, alt: sample, title: sample });
  img.dataset.sample = sample;
  img.addEventListener("click", async () => {
    for (const other of document.querySelectorAll("#samples img")) other.classList.toggle("chosen", other === img);
    photoLoading = fetch(img.src).then((r) => r.blob()).then((blob) => usePhoto(sample, blob));
    await photoLoading;
  });
  $("samples").append(img);
}
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file) photoLoading = usePhoto(file.name, file);
});
$<HTMLInputElement>("photo-file").addEventListener("change", (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) photoLoading = usePhoto(file.name, file);
});

const method = () => (document.querySelector<HTMLInputElement>("input[name=method]:checked")!.value === "optimize" ? "optimize" : "model");
const selectedModel = () => models.find((m) => m.name === $<HTMLSelectElement>("model").value);

/** The styles the chosen method can use: a multi/single model's own, or (AdaIN, optimisation) the style library. */
function availableStyles(): string[] {
  const model = selectedModel();
  if (method() === "model" && model && model.kind !== "adain") return model.styles;
  return libraryStyles.map((s) => s.name);
}

function styleCard(name: string, on: boolean, weight = 1) {
  const card = el("div", { className: "style" + (on ? " on" : "") });
  card.dataset.style = name;
  const image = el("div", { className: "blank" });
  void thumbnail(name).then((url) => { if (url) image.replaceWith(el("img", { src: url, alt: name })); });
  const check = el("input", { type: "checkbox", checked: on });
  const slider = el("input", { type: "range", min: "0", max: "1", step: "0.05", value: String(weight) });
  check.addEventListener("change", () => card.classList.toggle("on", check.checked));
  card.append(image, el("label", {}, check, ` ${name}`), slider);
  return card;
}

function updateMethod() {
  const optimize = method() === "optimize";
  $("model-row").hidden = optimize;
  const model = selectedModel();
  $("model-about").textContent = optimize ? "Optimises the picture against the chosen paintings (slow)." : model ? `${model.architecture}, ${bytes(model.fileBytes)}` : "No models.";
  $("alpha-row").hidden = optimize || model?.kind !== "adain";
  for (const e of document.querySelectorAll<HTMLElement>(".optimize-only")) e.hidden = !optimize;
  const names = availableStyles();
  $("styles").replaceChildren(...names.map((name, i) => styleCard(name, i === 0)));
  for (const region of document.querySelectorAll<HTMLSelectElement>(".region select")) {
    region.replaceChildren(...names.map((name) => el("option", { value: name, textContent: name })));
  }
}
for (const radio of document.querySelectorAll("input[name=method]")) radio.addEventListener("change", updateMethod);
$("model").addEventListener("change", updateMethod);
$<HTMLInputElement>("alpha").addEventListener("input", () => { $("alpha-value").textContent = $<HTMLInputElement>("alpha").value; });

$("add-region").addEventListener("click", () => {
  const mask = el("input", { type: "file", accept: "image/png,image/jpeg,image/webp" });
  const invert = el("input", { type: "checkbox" });
  const style = el("select", {}, ...availableStyles().map((name) => el("option", { value: name, textContent: name })));
  const weight = el("input", { type: "range", min: "0", max: "1", step: "0.05", value: "1" });
  const remove = el("button", { type: "button", textContent: "Remove" });
  const row = el("div", { className: "region" }, el("label", {}, "Mask ", mask), el("label", {}, invert, " invert"), el("label", {}, "Style ", style, weight), remove);
  remove.addEventListener("click", () => row.remove());
  $("regions").append(row);
});

// ---- Render: running ----------------------------------------------------------------------------------------------
let running: AbortController | null = null;
let currentJob: string | null = null;
let finished: (() => void) | null = null;
let lastResult: { jobId: string; mediaType: string; bytes: Uint8Array } | null = null;
let whenFinished: Promise<void> = Promise.resolve();

async function buildRegions(images: { part: ImagePart; name: string; data: Uint8Array }[]): Promise<Region[]> {
  const weights = [...document.querySelectorAll<HTMLElement>("#styles .style.on")].map((card) =>
    create(StyleWeightSchema, { name: card.dataset.style!, weight: Number(card.querySelector<HTMLInputElement>("input[type=range]")!.value) }));
  if (weights.length === 0) throw new Error("Pick at least one style.");
  const regions = [create(RegionSchema, { styles: weights })];
  let n = 0;
  for (const row of document.querySelectorAll<HTMLElement>(".region")) {
    const file = row.querySelector<HTMLInputElement>("input[type=file]")!.files?.[0];
    if (!file) throw new Error("Each added region needs a mask image.");
    const name = `mask${++n}`;
    images.push({ part: ImagePart.MASK, name, data: new Uint8Array(await file.arrayBuffer()) });
    regions.push(create(RegionSchema, {
      mask: name,
      invertMask: row.querySelector<HTMLInputElement>("input[type=checkbox]")!.checked,
      styles: [create(StyleWeightSchema, {
        name: row.querySelector("select")!.value,
        weight: Number(row.querySelector<HTMLInputElement>("input[type=range]")!.value),
      })],
    }));
  }
  return regions;
}

$("render-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void startRender();
});

async function startRender() {
  if (!photo) return say("Drop a photo or pick a sample first.", true);
  const signal = begin(); // before anything is awaited, so whenFinished() already means this render
  // Our own id, so Cancel can name the job even before the gateway has accepted it.
  const jobId = "studio-" + [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
  currentJob = jobId;
  try {
    const images = [{ part: ImagePart.CONTENT, name: "", data: photo.data }];
    const regions = await buildRegions(images);
    const optimize = method() === "optimize";
    const model = selectedModel();
    const header = create(RenderHeaderSchema, {
      jobId,
      method: optimize ? RenderMethod.OPTIMIZE : RenderMethod.FEED_FORWARD,
      model: optimize ? "" : model?.name ?? "",
      regions,
      maxSide: Number($<HTMLInputElement>("max-side").value),
      color: Number($<HTMLSelectElement>("color").value) as ColorMode,
      alpha: !optimize && model?.kind === "adain" ? Number($<HTMLInputElement>("alpha").value) : undefined,
      coarseIterations: optimize ? Number($<HTMLInputElement>("coarse").value) : 0,
      refineIterations: optimize ? Number($<HTMLInputElement>("refine").value) : 0,
      outputFormat: OutputFormat.PNG,
      previewSide: previewSide(Number($<HTMLInputElement>("max-side").value)),
      // The job outlives this page: a reload re-attaches from the jobs tab; Cancel cancels it explicitly.
      detachOnDisconnect: true,
    });
    await watch(api.browser.render({ header, images: images.map((i) => create(ImageChunkSchema, i)) }, { signal }));
  } catch (error) {
    fail(error);
    end();
  }
}

/** Previews at most 256 on the long side, and never larger than the picture (the gateway takes 16–1024, 0 for none). */
const previewSide = (maxSide: number) => (maxSide === 0 ? 256 : maxSide < 16 ? 0 : Math.min(256, maxSide));

function begin(): AbortSignal {
  running?.abort();
  running = new AbortController();
  currentJob = null;
  lastResult = null;
  whenFinished = new Promise((resolve) => { finished = resolve; });
  $<HTMLButtonElement>("render").disabled = true;
  $<HTMLButtonElement>("cancel").disabled = false;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-download]")) b.disabled = true;
  say("");
  return running.signal;
}

function end() {
  running = null;
  $<HTMLButtonElement>("render").disabled = false;
  $<HTMLButtonElement>("cancel").disabled = true;
  finished?.();
}

function progress(done: number, total: number, text: string) {
  const bar = $<HTMLProgressElement>("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("progress-text").textContent = text;
}

async function draw(blob: Blob, width: number, height: number) {
  const image = await createImageBitmap(blob);
  const canvas = $<HTMLCanvasElement>("canvas");
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext("2d")!;
  context.imageSmoothingQuality = "high";
  context.drawImage(image, 0, 0, width, height);
  image.close();
}

/** Follows a render or an attached job: previews scaled up as tiles finish, then the finished picture at its size. */
async function watch(events: AsyncIterable<RenderEvent>) {
  let job: JobInfo | undefined;
  const parts: Uint8Array[] = [];
  let drawing = Promise.resolve();
  for await (const event of events) {
    switch (event.event.case) {
      case "accepted":
        job = event.event.value;
        currentJob = job.jobId;
        document.body.dataset.job = job.jobId;
        progress(0, job.tilesTotal, `Job ${job.jobId}: ${job.width}×${job.height}, ${job.tilesTotal} tiles`);
        break;
      case "progress": {
        const p = event.event.value;
        progress(p.tilesDone, p.tilesTotal, `${p.tilesDone}/${p.tilesTotal} tiles${p.eta ? ", about " + eta(p.eta) + " left" : ""}`);
        break;
      }
      case "preview": {
        const p = event.event.value;
        const size = job ? [job.width, job.height] : [p.width, p.height];
        drawing = drawing.then(() => draw(new Blob([p.png as BlobPart], { type: "image/png" }), size[0], size[1]));
        break;
      }
      case "result":
        parts.push(event.event.value.data);
        break;
      case "summary": {
        const s = event.event.value;
        job = s.job;
        currentJob = s.job!.jobId;
        const result = new Blob(parts as BlobPart[], { type: s.mediaType });
        lastResult = { jobId: currentJob, mediaType: s.mediaType, bytes: new Uint8Array(await result.arrayBuffer()) };
        await drawing;
        await draw(result, s.job!.width, s.job!.height);
        progress(1, 1, `Done: ${s.job!.width}×${s.job!.height} in ${seconds(s.elapsed).toFixed(1)} s, ${bytes(s.resultBytes)}`);
        for (const b of document.querySelectorAll<HTMLButtonElement>("[data-download]")) b.disabled = false;
        break;
      }
    }
  }
  end();
}

$("cancel").addEventListener("click", async () => {
  const job = currentJob;
  running?.abort();
  end();
  if (job) {
    try {
      await api.jobs.cancelJob({ jobId: job, reason: "cancelled in the studio" });
      progress(0, 1, `Job ${job} cancelled.`);
    } catch (error) {
      // NOT_FOUND: the render ended before the farm took it, so there is nothing left to cancel.
      if (error instanceof ConnectError && error.code === 5) progress(0, 1, "Cancelled before the farm took it.");
      else fail(error);
    }
  }
});

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-download]")) {
  button.addEventListener("click", async () => {
    if (!lastResult) return;
    const format = Number(button.dataset.download) as OutputFormat;
    try {
      // The gateway encodes the finished job again in the asked format (re-attaching to a finished job).
      const parts: Uint8Array[] = [];
      let type = "";
      for await (const event of api.jobs.attachJob({ jobId: lastResult.jobId, outputFormat: format })) {
        if (event.event.case === "result") parts.push(event.event.value.data);
        if (event.event.case === "summary") type = event.event.value.mediaType;
      }
      const link = el("a", { href: URL.createObjectURL(new Blob(parts as BlobPart[], { type })), download: `${lastResult.jobId}.${type.split("/")[1].replace("jpeg", "jpg")}` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      fail(error);
    }
  });
}

// ---- Jobs ---------------------------------------------------------------------------------------------------------
async function loadJobs() {
  try {
    const { jobs } = await api.jobs.listJobs({});
    $("jobs").replaceChildren(...jobs.map((job) => {
      const attach = el("button", { type: "button", textContent: "Attach" });
      attach.addEventListener("click", () => {
        showTab("render");
        const signal = begin();
        progress(job.tilesDone, job.tilesTotal, `Attached to ${job.jobId}`);
        currentJob = job.jobId;
        watch(api.jobs.attachJob({ jobId: job.jobId, outputFormat: OutputFormat.PNG, previewSide: previewSide(Math.max(job.width, job.height)) }, { signal }))
          .catch((error) => { fail(error); end(); });
      });
      const cancel = el("button", { type: "button", textContent: "Cancel", disabled: job.state !== JobState.RUNNING && job.state !== JobState.RECEIVING });
      cancel.addEventListener("click", () => api.jobs.cancelJob({ jobId: job.jobId }).then(loadJobs, fail));
      return el("tr", {},
        el("td", { textContent: job.jobId }),
        el("td", { textContent: stateName(job.state) + (job.error ? `: ${job.error}` : "") }),
        el("td", { textContent: `${job.width}×${job.height}` }),
        el("td", { textContent: `${job.tilesDone}/${job.tilesTotal}` }),
        el("td", { textContent: eta(job.eta) }),
        el("td", {}, attach, cancel));
    }));
  } catch (error) {
    fail(error);
  }
}
refreshers.jobs = loadJobs;
$("jobs-refresh").addEventListener("click", loadJobs);

// ---- Library ------------------------------------------------------------------------------------------------------
function renderLibrary() {
  $("models").replaceChildren(...models.map((model) => {
    const describe = el("button", { type: "button", textContent: "Describe" });
    describe.addEventListener("click", () => api.models.describeModel({ name: model.name }).then(
      (info) => { $("describe").textContent = JSON.stringify({ ...info, fileBytes: Number(info.fileBytes), $typeName: undefined }, null, 2); }, fail));
    const remove = el("button", { type: "button", textContent: "Delete" });
    remove.addEventListener("click", () => confirm(`Delete model ${model.name}?`) && api.models.deleteModel({ name: model.name }).then(refreshCatalog, fail));
    return el("tr", {},
      el("td", { textContent: model.name }), el("td", { textContent: model.kind }), el("td", { textContent: model.architecture }),
      el("td", { textContent: model.styles.join(", ") }), el("td", { textContent: bytes(model.fileBytes) }), el("td", {}, describe, remove));
  }));
  $("library-styles").replaceChildren(...libraryStyles.map((style) => {
    const card = styleCard(style.name, false);
    card.querySelector("label")!.replaceChildren(`${style.name} ${style.width}×${style.height}`);
    card.querySelector("input[type=range]")!.remove();
    const describe = el("button", { type: "button", textContent: "Describe" });
    describe.addEventListener("click", () => api.styles.describeStyle({ name: style.name }).then(
      (info) => { $("describe").textContent = JSON.stringify({ ...info, fileBytes: Number(info.fileBytes), $typeName: undefined }, null, 2); }, fail));
    const remove = el("button", { type: "button", textContent: "Delete" });
    remove.addEventListener("click", () => confirm(`Delete style ${style.name}?`) && api.styles.deleteStyle({ name: style.name }).then(refreshCatalog, fail));
    card.append(describe, remove);
    return card;
  }));
}
refreshers.library = refreshCatalog;

$("model-upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = $<HTMLInputElement>("model-file").files![0];
  try {
    const info = await api.browser.uploadModel({
      header: { name: $<HTMLInputElement>("model-name").value, overwrite: $<HTMLInputElement>("model-overwrite").checked, sizeBytes: BigInt(file.size) },
      model: new Uint8Array(await file.arrayBuffer()),
    });
    say(`Model ${info.name} uploaded (${info.kind}).`);
    await refreshCatalog();
  } catch (error) {
    fail(error);
  }
});

$("style-upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = $<HTMLInputElement>("style-file").files![0];
  try {
    const info = await api.browser.uploadStyle({
      header: { name: $<HTMLInputElement>("style-name").value, overwrite: $<HTMLInputElement>("style-overwrite").checked, sizeBytes: BigInt(file.size) },
      image: new Uint8Array(await file.arrayBuffer()),
    });
    say(`Style ${info.name} added (${info.width}×${info.height}).`);
    await refreshCatalog();
  } catch (error) {
    fail(error);
  }
});

// ---- Training -----------------------------------------------------------------------------------------------------
let training: AbortController | null = null;
let trainingJob: string | null = null;
const losses: { step: number; total: number; content: number; style: number }[] = [];

function drawLosses() {
  const canvas = $<HTMLCanvasElement>("loss");
  const c = canvas.getContext("2d")!;
  c.clearRect(0, 0, canvas.width, canvas.height);
  if (losses.length < 2) return;
  const pad = 30;
  const maxStep = losses[losses.length - 1].step || 1;
  const maxLoss = Math.max(...losses.map((l) => l.total)) || 1;
  const x = (step: number) => pad + (step / maxStep) * (canvas.width - 2 * pad);
  const y = (loss: number) => canvas.height - pad - (loss / maxLoss) * (canvas.height - 2 * pad);
  c.strokeStyle = "#888";
  c.strokeRect(pad, pad, canvas.width - 2 * pad, canvas.height - 2 * pad);
  c.fillStyle = "#888";
  c.fillText(`step ${maxStep}`, canvas.width - pad - 50, canvas.height - 10);
  c.fillText(maxLoss.toPrecision(3), 2, pad);
  for (const [key, colour] of [["total", "#3a6ea5"], ["content", "#4caf50"], ["style", "#e07b39"]] as const) {
    c.strokeStyle = colour;
    c.beginPath();
    losses.forEach((l, i) => (i ? c.lineTo(x(l.step), y(l[key])) : c.moveTo(x(l.step), y(l[key]))));
    c.stroke();
    c.fillStyle = colour;
    c.fillText(key, canvas.width - pad - 50, pad + 12 * (1 + ["total", "content", "style"].indexOf(key)));
  }
}

function showTraining(job: TrainingJob) {
  trainingJob = job.jobId;
  $("train-status").textContent = `${job.jobId} → ${job.modelName}: ${TrainingState[job.state].toLowerCase()}, step ${job.step}/${job.steps}` +
    (job.stepsPerSecond ? `, ${job.stepsPerSecond.toFixed(1)} steps/s` : "") + (job.eta ? `, ${eta(job.eta)} left` : "") +
    (job.worker ? ` on ${job.worker}` : "") + (job.error ? ` (${job.error})` : "");
  if (job.step > 0 && (losses.length === 0 || losses[losses.length - 1].step < job.step)) {
    losses.push({ step: job.step, total: job.totalLoss, content: job.contentLoss, style: job.styleLoss });
    drawLosses();
  }
}

async function watchTraining(jobId: string) {
  training?.abort();
  training = new AbortController();
  losses.length = 0;
  $<HTMLButtonElement>("train-cancel").disabled = false;
  try {
    for await (const job of api.training.watchTraining({ jobId }, { signal: training.signal })) showTraining(job);
    await refreshCatalog();
  } catch (error) {
    fail(error);
  } finally {
    $<HTMLButtonElement>("train-cancel").disabled = true;
  }
}

$("train-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const job = await api.training.startTraining({
      modelName: $<HTMLInputElement>("train-name").value,
      kind: Number($<HTMLSelectElement>("train-kind").value) as TrainingKind,
      styles: [...$<HTMLSelectElement>("train-styles").selectedOptions].map((o) => o.value),
      steps: Number($<HTMLInputElement>("train-steps").value),
      size: Number($<HTMLInputElement>("train-size").value),
      overwrite: $<HTMLInputElement>("train-overwrite").checked,
    });
    showTraining(job);
    await watchTraining(job.jobId);
  } catch (error) {
    fail(error);
  }
});
$("train-watch").addEventListener("submit", (e) => {
  e.preventDefault();
  void watchTraining($<HTMLInputElement>("train-job").value.trim());
});
$("train-cancel").addEventListener("click", () => {
  if (trainingJob) api.training.cancelTraining({ jobId: trainingJob, reason: "cancelled in the studio" }).then(showTraining, fail);
});

// ---- Farm ---------------------------------------------------------------------------------------------------------
async function loadFarm() {
  try {
    const farm = await api.farm.getFarm({});
    const queued = farm.devices.reduce((sum, d) => sum + d.queued, 0);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    $("farm-summary").textContent = `${plural(farm.devices.length, "device")}, ${plural(queued, "tile")} queued, ${plural(farm.activeRenders, "render")} running`;
    $("devices").replaceChildren(...farm.devices.map((d) => el("tr", {},
      el("td", { textContent: d.silo }),
      el("td", { textContent: d.device }),
      el("td", {}, queueBar(d.queued, d.capacity), ` ${d.queued}/${d.capacity}`),
      el("td", { textContent: String(d.tilesRendered) }),
      el("td", { textContent: String(d.largestBatch) }))));
  } catch (error) {
    $("farm-summary").textContent = error instanceof ConnectError ? error.rawMessage : "";
  }
}
function queueBar(queued: number, capacity: number) {
  const fill = el("span");
  fill.style.width = `${Math.min(100, (100 * queued) / Math.max(1, capacity))}%`; // CSSOM: allowed by the CSP, unlike style attributes
  return el("span", { className: "bar" }, fill);
}
refreshers.farm = loadFarm;
setInterval(() => {
  if (document.hidden) return;
  void loadFarm(); // the header's summary is always shown
  if (currentTab === "jobs") void loadJobs();
}, 2000);

// For tests and scripting: the last finished render, and a promise for the render now running.
Object.assign(window, {
  studio: {
    ready: () => catalog,
    photo: () => photoLoading,
    thumbnails: () => Promise.all(thumbnails.values()),
    whenFinished: () => whenFinished,
    lastResult: () => lastResult,
  },
});

void refreshCatalog().then(loadFarm);
