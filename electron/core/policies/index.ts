export * from './automatic-away';
export * from './idle-away';
export * from './notifications';
export * from './sign-in-watcher';
export * from './unread';
