#!/usr/bin/env node
// Open pages of a locally served book in headless Chromium and report what a reader's
// browser sees: axe-core violations (WCAG 2.1 A/AA), the page language, every image and
// every request for anything not on the local server. The verdict (what counts as a failure) is made by
// peo/a11y.py, which starts the web server, calls this script and reads its report.
//
//   node check.js < job.json > report.json
//
// job.json: {
//   "base_url": "http://127.0.0.1:PORT/",      pages are resolved against it
//   "pages": ["index.html", "waves/2022/index.html", ...],
//   "chromium": "/usr/bin/chromium",
//   "flags": ["--headless", "--no-sandbox", ...],
//   "user_data_dir": "/tmp/...",               a new, empty profile
//   "tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
//   "concurrency": 2, "timeout_ms": 30000,
//   "viewport": {"width": 1280, "height": 900},
//   "narrow_width": 375,                      sideways scrolling is checked at this width
//   "phone_width": 390,                       figures as a phone shows them (report: phone)
//   "screenshot_dir": "/tmp/...", "screenshot_pages": [...]   full-page PNGs at phone_width
//   "color_schemes": ["light", "dark"]       the first gets every rule, the others the
//                                            colour rules again (the theme follows the
//                                            reader's preferred colour scheme)
// }
//
// report.json: {"chromium": "...", "axe": "4.x", "color_schemes": [...], "pages": [{page,
//   url, status, lang, title, images, figures_svg, violations, incomplete, remote_requests,
//   failed_requests, page_errors, console_errors, overflow, phone, error}], "seconds": 12.3}
//
// Every request that does not go to base_url's origin is aborted before it leaves the
// browser and recorded (remote_requests); data:, blob: and about: URLs are no requests.
//
// Chromium is Debian's (/usr/bin/chromium); puppeteer-core downloads no browser.
'use strict';

const fs = require('fs');
const puppeteer = require('puppeteer-core');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

// URLs that are not network requests: inline data and the browser's own pages.
function isInline(url) {
  return /^(data|blob|about|chrome-error):/.test(url);
}

// What the page shows a reader, collected in the page (runs in the browser).
function collectInPage() {
  const main = document.querySelector('main') || document.body;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { width: Math.round(r.width), height: Math.round(r.height) };
  };
  const images = Array.from(document.images).map((img) => ({
    src: img.currentSrc || img.src,
    alt: img.getAttribute('alt'),
    has_alt: img.hasAttribute('alt'),
    role: img.getAttribute('role'),
    aria_hidden: img.closest('[aria-hidden="true"]') !== null,
    in_main: main.contains(img),
    ...box(img),
    natural_width: img.naturalWidth,
    natural_height: img.naturalHeight,
    complete: img.complete,
  }));
  // Inline SVG graphics in the content that are large enough to be a figure (icons of the
  // theme's buttons are small): their accessible name is their aria-label or <title>.
  const svgs = Array.from(main.querySelectorAll('svg'))
    .filter((s) => s.parentElement && !s.parentElement.closest('svg'))
    .map((s) => {
      const title = s.querySelector(':scope > title');
      return {
        role: s.getAttribute('role'),
        label: s.getAttribute('aria-label') || (title ? title.textContent : null),
        aria_hidden: s.closest('[aria-hidden="true"]') !== null,
        ...box(s),
      };
    })
    .filter((s) => s.width >= 100 && s.height >= 100);
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    images,
    figures_svg: svgs,
  };
}

// Whether the page scrolls sideways, and which elements stick out (runs in the browser).
function overflowInPage() {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = p !== document.body && p !== doc; if (inside) break; }
      }
      if (!inside) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : ''));
    }
  }
  return { width, scroll_width: doc.scrollWidth, elements: wide.slice(0, 5) };
}

// Every image of the content as shown (runs in the browser): its box on the page (CSS px,
// from the top left of the document), its PNG's width, the smallest text size and dpi its
// <img> declares (peo.report.present.figures), and the right edge of the box it scrolls in.
function phoneImagesInPage() {
  const main = document.querySelector('main') || document.body;
  return Array.from(main.querySelectorAll('img')).map((img, index) => {
    const r = img.getBoundingClientRect();
    let clipLeft = 0;
    let clipRight = document.documentElement.clientWidth;
    for (let p = img.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        const b = p.getBoundingClientRect();
        clipLeft = Math.max(clipLeft, b.left);
        clipRight = Math.min(clipRight, b.right);
      }
    }
    const pt = img.getAttribute('data-smallest-text-pt');
    const dpi = img.getAttribute('data-dpi');
    return {
      index,
      src: img.currentSrc || img.src,
      alt: img.getAttribute('alt'),
      left: r.left + window.scrollX,
      top: r.top + window.scrollY,
      width: r.width,
      height: r.height,
      clip_left: clipLeft + window.scrollX,
      clip_right: clipRight + window.scrollX,
      natural_width: img.naturalWidth,
      natural_height: img.naturalHeight,
      smallest_text_pt: pt === null ? null : Number(pt),
      dpi: dpi === null ? null : Number(dpi),
    };
  });
}

// Rules whose outcome depends on the colours (run again for every further colour scheme).
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

function violation(v, scheme) {
  return {
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    tags: v.tags,
    color_scheme: scheme,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))),
      impact: n.impact,
      html: n.html.slice(0, 300),
      summary: n.failureSummary,
      // why axe could not decide (an incomplete result): e.g. bgOverlap, bgImage, pseudoContent
      reason: ((n.any || [])[0] || {}).data && ((n.any || [])[0].data.messageKey || null),
      message: ((n.any || [])[0] || {}).message || null,
    })),
  };
}

async function checkPage(browser, job, rel) {
  const url = new URL(rel, job.base_url).href;
  const origin = new URL(job.base_url).origin;
  const result = {
    page: rel, url, status: null, lang: null, title: null, images: [], figures_svg: [],
    violations: [], incomplete: [], remote_requests: [], failed_requests: [], page_errors: [], console_errors: [],
    overflow: null, phone: null, error: null,
  };
  // Each page in a window of its own, so that it is always the window's front tab: a tab
  // behind another gets no animation frames (the requestAnimationFrame waits below then
  // stall about a second each) and slower timers. With two pages at a time in one window's
  // tabs, those stalls were about a third of the check's time; what the pages report is the
  // same (compared on every page of the demo book against one tab at a time).
  const page = await browser.newPage({ type: 'window' });
  try {
    await page.setViewport(job.viewport);
    const [firstScheme, ...otherSchemes] = job.color_schemes;
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: firstScheme }]);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const u = req.url();
      if (isInline(u) || u.startsWith(origin + '/')) {
        req.continue();
      } else {
        result.remote_requests.push(u);
        req.abort('blockedbyclient');
      }
    });
    page.on('requestfailed', (req) => {
      const u = req.url();
      if (u.startsWith(origin + '/')) {
        result.failed_requests.push({ url: u, reason: (req.failure() || {}).errorText || 'failed' });
      }
    });
    page.on('response', (res) => {
      const u = res.url();
      // The browser asks for /favicon.ico on its own; the book declares no favicon.
      if (u.startsWith(origin + '/') && res.status() >= 400 && new URL(u).pathname !== '/favicon.ico') {
        result.failed_requests.push({ url: u, reason: `HTTP ${res.status()}` });
      }
    });
    page.on('pageerror', (err) => result.page_errors.push(String(err && err.message ? err.message : err)));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = (msg.location() || {}).url || '';
      // Not the page's doing: the browser's own request for /favicon.ico (the book declares
      // no favicon; see the response handler above), and pydata-sphinx-theme's notice when a
      // new browser profile has no stored colour mode yet ("Got invalid theme mode: .
      // Resetting to auto.": it then does what it should, follow the system's mode).
      if (where && new URL(where, origin).pathname === '/favicon.ico') return;
      if (/^Got invalid theme mode: \. Resetting to auto\.$/.test(msg.text())) return;
      // A resource that did not load is reported by the request checks (failed or remote request).
      if (/^Failed to load resource/.test(msg.text())) return;
      result.console_errors.push(msg.text().slice(0, 300));
    });

    const response = await page.goto(url, { waitUntil: 'load', timeout: job.timeout_ms });
    result.status = response ? response.status() : null;
    await page.evaluate(() => document.fonts.ready.then(() => true));
    // Finish every CSS transition and animation at once: a tab that is not in front runs
    // none, and axe would measure colours halfway (e.g. the theme's switch to dark mode).
    await page.addStyleTag({
      content: '*, *::before, *::after { transition: none !important; animation: none !important; }',
    });
    await page.evaluate(() => getComputedStyle(document.body).color); // apply it now

    Object.assign(result, await page.evaluate(collectInPage));

    await page.evaluate(AXE_SOURCE);
    const axe = await page.evaluate(
      (tags) => window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations', 'incomplete'],
      }),
      job.tags,
    );
    result.violations = axe.violations.map((v) => violation(v, firstScheme));
    // Colour results axe could not decide ("needs review"): text partly covered or over an
    // image or gradient. Contrast that cannot be measured cannot be shown to pass (issue 11).
    result.incomplete = axe.incomplete.filter((v) => COLOUR_RULES.includes(v.id)).map((v) => violation(v, firstScheme));
    for (const scheme of otherSchemes) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      // The theme (pydata-sphinx-theme, mode "auto") follows the media query by setting
      // <html data-theme>; a tab that is not in front may not get the change event in
      // time, so do what the theme's handler does.
      await page.evaluate((s) => {
        if (document.documentElement.dataset.theme) document.documentElement.dataset.theme = s;
        return getComputedStyle(document.body).color;
      }, scheme);
      const again = await page.evaluate(
        (rules) => window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations', 'incomplete'] }),
        COLOUR_RULES,
      );
      result.violations.push(...again.violations.map((v) => violation(v, scheme)));
      result.incomplete.push(...again.incomplete.filter((v) => COLOUR_RULES.includes(v.id)).map((v) => violation(v, scheme)));
    }
    // Reflow (WCAG 1.4.10): at a phone's width (375 CSS px) the page must not scroll sideways.
    // A wide table or code block may scroll inside its own box; the page itself may not.
    if (job.narrow_width) {
      await page.setViewport({ width: job.narrow_width, height: 800 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true))));
      result.overflow = await page.evaluate(overflowInPage);
    }
    // A phone (issue 12): at job.phone_width (390 CSS px) every figure as shown (its width
    // against the PNG's, the smallest text size its <img> declares), sideways scrolling, and
    // a real screenshot of the pages in job.screenshot_pages (CDP Page.captureScreenshot).
    if (job.phone_width) {
      await page.setViewport({ width: job.phone_width, height: 800 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true))));
      result.phone = {
        width: job.phone_width,
        overflow: await page.evaluate(overflowInPage),
        images: await page.evaluate(phoneImagesInPage),
        screenshot: null,
      };
      if (job.screenshot_dir && (job.screenshot_pages || []).includes(rel)) {
        const path = `${job.screenshot_dir}/${rel.replace(/[^A-Za-z0-9._-]/g, '_')}.png`;
        await page.screenshot({ path, fullPage: true });
        result.phone.screenshot = path;
      }
    }
  } catch (err) {
    result.error = String(err && err.message ? err.message : err);
  } finally {
    await page.close().catch(() => {});
  }
  return result;
}

async function main() {
  const job = JSON.parse(readStdin());
  const started = Date.now();
  const browser = await puppeteer.launch({
    executablePath: job.chromium,
    headless: true,
    args: [...job.flags, `--user-data-dir=${job.user_data_dir}`],
    ignoreDefaultArgs: ['--enable-automation'],
    timeout: job.timeout_ms,
  });
  try {
    const version = await browser.version();
    const queue = job.pages.slice();
    const results = [];
    const worker = async () => {
      while (queue.length) {
        const rel = queue.shift();
        results.push(await checkPage(browser, job, rel));
      }
    };
    const n = Math.max(1, Math.min(job.concurrency || 1, queue.length));
    await Promise.all(Array.from({ length: n }, worker));
    results.sort((a, b) => (a.page < b.page ? -1 : a.page > b.page ? 1 : 0));
    process.stdout.write(JSON.stringify({
      chromium: version, axe: AXE_VERSION, color_schemes: job.color_schemes, pages: results,
      seconds: (Date.now() - started) / 1000,
    }));
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  process.stderr.write(`check.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
