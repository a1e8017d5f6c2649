import { findNginx } from './nginx';

describe('findNginx', () => {
  it('fails loudly, saying how to install nginx, when it is missing', () => {
    expect(() => findNginx(['/nonexistent/nginx'])).toThrow(
      /nginx not found \(looked at \/nonexistent\/nginx\).*apt-get install nginx/,
    );
  });
});
