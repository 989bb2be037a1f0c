import { routeTable } from '@smart-dairy/http-api';
import { EmptyBody } from '../http/fields';
import {
  CreateSubscriptionBody,
  CreatedSubscriptionView,
  DisableSubscriptionBody,
  ListSubscriptionsQuery,
  RotateSecretBody,
  SecretView,
  SubscriptionPage,
  SubscriptionView,
  TestDeliveryView,
  TestEventBody,
  UpdateSubscriptionBody,
  UpdatedSubscriptionView,
} from './subscription.schemas';

const ONE = '/v1/subscriptions/:id';

export const SUBSCRIPTION_ROUTES = routeTable('Subscriptions', {
  create: {
    method: 'post',
    path: '/v1/subscriptions',
    summary: 'Create a subscription; the answer carries its signing secret',
    body: CreateSubscriptionBody,
    status: 201,
    response: CreatedSubscriptionView,
  },
  list: {
    method: 'get',
    path: '/v1/subscriptions',
    summary: 'List subscriptions, newest first',
    scopes: ['read'],
    query: ListSubscriptionsQuery,
    response: SubscriptionPage,
  },
  get: {
    method: 'get',
    path: ONE,
    summary: 'Get a subscription',
    scopes: ['read'],
    response: SubscriptionView,
  },
  update: {
    method: 'patch',
    path: ONE,
    summary: 'Change some fields of a subscription; choosing standard-webhooks may issue a new secret',
    body: UpdateSubscriptionBody,
    response: UpdatedSubscriptionView,
    problems: ['conflict'],
  },
  remove: {
    method: 'delete',
    path: ONE,
    summary: 'Delete a subscription (its deliveries stay readable)',
    status: 204,
    problems: ['conflict'],
  },
  disable: {
    method: 'post',
    path: `${ONE}/disable`,
    summary: 'Stop deliveries to a subscription',
    body: DisableSubscriptionBody,
    response: SubscriptionView,
    problems: ['conflict'],
  },
  enable: {
    method: 'post',
    path: `${ONE}/enable`,
    summary: 'Resume deliveries to a subscription',
    body: EmptyBody,
    response: SubscriptionView,
    problems: ['conflict'],
  },
  secret: {
    method: 'get',
    path: `${ONE}/secret`,
    summary: 'Get the signing secret, and the previous one during its grace period',
    response: SecretView,
  },
  rotateSecret: {
    method: 'post',
    path: `${ONE}/rotate-secret`,
    summary: 'Make a new signing secret; the previous one verifies until the grace period ends',
    body: RotateSecretBody,
    response: SecretView,
    problems: ['conflict'],
  },
  test: {
    method: 'post',
    path: `${ONE}/test`,
    summary: "Send the catalog sample of an event type through the pipeline; answers the delivery's id",
    body: TestEventBody,
    status: 202,
    response: TestDeliveryView,
    problems: ['conflict'],
  },
});
