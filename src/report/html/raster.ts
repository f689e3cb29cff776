/**
 * A figure's SVG as PNG and PDF, in process and without system tools: PNG by resvg (prebuilt binaries,
 * system fonts), PDF as vectors by PDFKit with svg-to-pdfkit (pure JavaScript, PDFKit's built-in
 * Helvetica, so no font file is needed).
 */
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

/** PNG at `scale` times the SVG's pixel size (2: sharp in print at a column's width). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(r.render().asPng());
}

const sizeOf = (svg: string): [number, number] => {
  const w = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  const h = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1];
  if (!w || !h) throw new Error('svgToPdf: the SVG has no width/height');
  return [Number(w), Number(h)];
};

/** A one-page vector PDF the size of the SVG (1 px = 1 pt). The creation date is fixed so output is reproducible. */
export function svgToPdf(svg: string): Promise<Buffer> {
  const [width, height] = sizeOf(svg);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { CreationDate: new Date(0), Producer: 'peerwatch', Creator: 'peerwatch' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Characters outside Helvetica's WinAnsi set would come out wrong: the figures use only those it has.
  SVGtoPDF(doc, svg, 0, 0, { width, height, assumePt: true });
  doc.end();
  return done;
}
