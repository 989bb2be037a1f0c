import { routeTable } from '@smart-dairy/http-api';
import { RecoverBody, RecoveryView } from './recovery.schemas';

export const RECOVERY_ROUTES = routeTable('Recovery', {
  recover: {
    method: 'post',
    path: '/v1/subscriptions/:id/recover',
    summary:
      'Send again every delivery of a time window that did not succeed (retrying, dead-lettered or waiting), once each, oldest first',
    body: RecoverBody,
    status: 202,
    response: RecoveryView,
    problems: ['conflict'],
  },
});
