export {
  createTollgateReact,
  SESSION_QUERY_KEY,
  type SessionControl,
  type SessionState,
  type SessionStatus,
  type TollgateReact,
  type TollgateReactOptions,
  useSession,
} from "./create-tollgate-react.js";
