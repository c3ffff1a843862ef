/** The taskCode a free rating carries: it rates the window's service, not a registered 事项. */
export const FREE_RATING_TASK_CODE = 'WINDOW-SERVICE';

/** A free rating's projectNo is this prefix and its invitation id: never an invented case number. */
export const FREE_RATING_PROJECT_PREFIX = 'FREE-';
