export { cursorParam, encodeCursor, type PagePosition } from './page-cursor';
