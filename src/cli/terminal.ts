// Terminal output: a live status line on a TTY, plain lines in CI and pipes.

export class StatusLine {
  private readonly live: boolean;
  private last = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.live = Boolean(stream.isTTY) && process.env.CI !== 'true' && process.env.TERM !== 'dumb';
  }

  /** Replaces the live line (TTY) or prints it when it changed meaningfully (plain). */
  update(text: string): void {
    if (this.live) {
      const width = this.stream.columns || 100;
      this.stream.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
      this.last = text;
    } else if (text !== this.last) {
      this.stream.write(`${text}\n`);
      this.last = text;
    }
  }

  /** Prints a permanent line above the live one. */
  print(text: string): void {
    if (this.live && this.last) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.live && this.last) this.stream.write(this.last.slice(0, (this.stream.columns || 100) - 1));
  }

  done(): void {
    if (this.live && this.last) this.stream.write('\r\x1b[2K');
    this.last = '';
  }
}

export function progressBar(fraction: number, width = 20): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

export function table(headers: string[], rows: string[][], alignRight: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
