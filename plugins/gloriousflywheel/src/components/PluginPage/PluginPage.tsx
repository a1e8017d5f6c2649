import { createContext, ReactNode, useContext } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import Typography from '@mui/material/Typography';

/**
 * Whether the plugin's pages draw their own page shell (`<Page>` + `<Header>`). Legacy apps mount
 * the pages as routes and need it; the new frontend system's page layout draws the header itself.
 */
const PageShellContext = createContext(true);

/** Renders the plugin's pages without a shell of their own (new frontend system). */
export function WithoutPageShell(props: { children: ReactNode }) {
  return (
    <PageShellContext.Provider value={false}>
      {props.children}
    </PageShellContext.Provider>
  );
}

/** A plugin page: the shell where the app does not draw one, the subtitle as a lead line otherwise. */
export function PluginPage(props: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  const { title, subtitle, children } = props;
  if (!useContext(PageShellContext)) {
    return (
      <Content>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {subtitle}
        </Typography>
        {children}
      </Content>
    );
  }
  return (
    <Page themeId="tool">
      <Header title={title} subtitle={subtitle} />
      <Content>{children}</Content>
    </Page>
  );
}
