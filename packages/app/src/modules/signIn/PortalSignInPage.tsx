import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

// Must match DEV_USER_HEADER in packages/backend/src/devSignIn.ts.
const DEV_USER_HEADER = 'x-gloriousflywheel-dev-user';
const STORAGE_KEY = 'gloriousflywheel:dev-user';

interface DevUser {
  name: string;
  title: string;
  description?: string;
}

/** Clears the remembered choice on sign-out, so the next visit offers the choice again. */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

/**
 * Guest sign-in, plus (when `app.devSignIn.users` is configured, local development only) a choice
 * of seeded users to act as, so the viewer / operator / admin roles can be tried.
 */
export function PortalSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const users: DevUser[] =
    config.getOptionalConfigArray('app.devSignIn.users')?.map(u => ({
      name: u.getString('name'),
      title: u.getString('title'),
      description: u.getOptionalString('description'),
    })) ?? [];
  const [chosen, setChosen] = useState<string | null>(() =>
    localStorage.getItem(STORAGE_KEY),
  );

  if (!users.length)
    return <SignInPage {...props} auto providers={['guest']} />;

  if (chosen && users.some(u => u.name === chosen)) {
    return (
      <ProxiedSignInPage
        {...props}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgettingOnSignOut(identity))
        }
        provider="dev"
        headers={{ [DEV_USER_HEADER]: chosen }}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title="GloriousFlywheel"
        subtitle="Local portal: choose who to act as"
      />
      <Content>
        <Grid container spacing={2}>
          {users.map(u => (
            <Grid item xs={12} sm={6} md={3} key={u.name}>
              <InfoCard title={u.title} subheader={`user:default/${u.name}`}>
                <Typography variant="body2" paragraph>
                  {u.description}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${u.title}`}
                  onClick={() => {
                    localStorage.setItem(STORAGE_KEY, u.name);
                    setChosen(u.name);
                  }}
                >
                  Sign in
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
