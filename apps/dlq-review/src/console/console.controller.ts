import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';

const ASSETS: Readonly<Record<string, true>> = { 'console.css': true, 'console.js': true };

// The page only talks to this origin's API; it embeds nothing and may not be embedded.
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** The review console: static files next to this one (copied to dist by the build), no API key needed. */
@Controller()
export class ConsoleController {
  @Get()
  page(@Res() res: Response): void {
    res.set(SECURITY_HEADERS).sendFile('index.html', { root: __dirname });
  }

  @Get('console/:asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (!Object.hasOwn(ASSETS, asset)) throw new NotFoundException(`Cannot GET /console/${asset}`);
    res.set(SECURITY_HEADERS).sendFile(asset, { root: __dirname });
  }
}
