import { databaseNameOf, pgErrorCode, withDatabase } from './database-admin';

describe('database URLs', () => {
  it('reads the database name, decoded', () => {
    expect(databaseNameOf('postgresql://postgres@127.0.0.1:5432/smart_dairy_test')).toBe('smart_dairy_test');
    expect(databaseNameOf('postgres://u:p@h/odd%20name?sslmode=disable')).toBe('odd name');
  });

  it('refuses a URL without a database', () => {
    expect(() => databaseNameOf('postgresql://postgres@127.0.0.1:5432')).toThrow(/names no database/);
  });

  it('swaps the database and keeps credentials, host and parameters', () => {
    expect(withDatabase('postgresql://u:p%40ss@db.local:6543/app?sslmode=require', 'postgres')).toBe(
      'postgresql://u:p%40ss@db.local:6543/postgres?sslmode=require',
    );
  });
});

describe('pgErrorCode', () => {
  it('reads the SQLSTATE of a pg error and nothing else', () => {
    expect(pgErrorCode(Object.assign(new Error('x'), { code: '3D000' }))).toBe('3D000');
    expect(pgErrorCode(new Error('x'))).toBeUndefined();
    expect(pgErrorCode('3D000')).toBeUndefined();
  });
});
