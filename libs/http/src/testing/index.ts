export { sendOverAgent, type SentAnswer } from './send-over-agent';
export { SendThenRead } from './send-then-read';
