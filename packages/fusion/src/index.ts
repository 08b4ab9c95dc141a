export * from './fusion';
