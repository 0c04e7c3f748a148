/**
 * antd's search input without the rest of antd's Input family: `Input.Search` from 'antd' brings
 * TextArea, Password and OTP into every list page (about 15 KB compressed) because antd attaches
 * them to Input.
 */
export { default as SearchBox } from 'antd/es/input/Search';
